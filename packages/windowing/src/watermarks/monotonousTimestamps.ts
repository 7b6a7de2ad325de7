import { boundedOutOfOrderness } from './boundedOutOfOrderness.js';
import type { WatermarkGeneratorFactory } from './watermarkGenerator.js';

/**
 * Watermarks for timestamps that never decrease (Flink's `forMonotonousTimestamps`):
 * the watermark follows the highest timestamp.
 *
 * @example
 * ```ts
 * assignTimestampsAndWatermarks({ timestamp: (e) => e.ts, watermarks: monotonousTimestamps() });
 * ```
 * @see {@link boundedOutOfOrderness}
 */
export function monotonousTimestamps<T = unknown>(): WatermarkGeneratorFactory<T> {
  return boundedOutOfOrderness<T>(0);
}
