import { requireNonNegativeMs } from '../internal/validate.js';
import type { WatermarkGeneratorFactory } from './watermarkGenerator.js';

/**
 * Watermarks that trail the highest timestamp seen by `maxOutOfOrdernessMs`
 * (Flink's `forBoundedOutOfOrderness`): items up to that much out of order are
 * on time. Emitted periodically.
 *
 * Flink emits `max − bound − 1` because its watermark means "no item at or
 * before t"; StreamWeave's means "no item before t", so `max − bound` is the
 * same promise.
 *
 * @example
 * ```ts
 * assignTimestampsAndWatermarks({ timestamp: (e) => e.ts, watermarks: boundedOutOfOrderness(5_000) });
 * ```
 * @see {@link monotonousTimestamps}, {@link punctuatedWatermarks}
 */
export function boundedOutOfOrderness<T = unknown>(maxOutOfOrdernessMs: number): WatermarkGeneratorFactory<T> {
  requireNonNegativeMs('boundedOutOfOrderness', 'maxOutOfOrdernessMs', maxOutOfOrdernessMs);
  return () => {
    let max = -Infinity;
    return {
      onEvent(_item, timestamp) {
        if (timestamp > max) max = timestamp;
      },
      onPeriodicEmit(output) {
        if (max !== -Infinity) output.emitWatermark(max - maxOutOfOrdernessMs);
      },
    };
  };
}
