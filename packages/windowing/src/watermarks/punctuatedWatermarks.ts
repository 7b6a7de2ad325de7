import { requireFn } from '../internal/validate.js';
import type { WatermarkGeneratorFactory } from './watermarkGenerator.js';

/**
 * Punctuated watermarks: `extract` looks at each item and returns a watermark
 * to emit right after it, or undefined for none (for streams that carry their
 * own progress markers).
 *
 * @example
 * ```ts
 * punctuatedWatermarks((e: { ts: number; endOfBatch?: boolean }, ts) => (e.endOfBatch ? ts : undefined));
 * ```
 * @see {@link boundedOutOfOrderness}, {@link WatermarkGenerator}
 */
export function punctuatedWatermarks<T>(extract: (item: T, timestamp: number) => number | undefined): WatermarkGeneratorFactory<T> {
  requireFn('punctuatedWatermarks', 'extract', extract);
  return () => ({
    onEvent(item, timestamp, output) {
      const w = extract(item, timestamp);
      if (w !== undefined) output.emitWatermark(w);
    },
    onPeriodicEmit: () => undefined,
  });
}
