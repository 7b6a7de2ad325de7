import { InvalidArgumentError } from '@streamweave/core';
import { requirePositiveMs } from '../internal/validate.js';
import { eventTimeTrigger } from '../triggers/eventTimeTrigger.js';
import { processingTimeTrigger } from '../triggers/processingTimeTrigger.js';
import type { TimeWindow } from '../windows.js';
import { type TimeWindowOptions, type WindowAssigner, windowStart } from './windowAssigner.js';

/**
 * Sliding (hopping) windows of `sizeMs` starting every `slideMs`, aligned to
 * the epoch (plus `offset`), like Flink's SlidingEventTimeWindows. An item
 * belongs to ⌈size/slide⌉ windows; with incremental aggregation each window
 * keeps one accumulator.
 *
 * @example
 * ```ts
 * slidingWindows(10_000, 5_000); // item at t=12s is in [5s,15s) and [10s,20s)
 * ```
 * @see {@link tumblingWindows}
 */
export function slidingWindows<T = unknown>(sizeMs: number, slideMs: number, options: TimeWindowOptions = {}): WindowAssigner<T> {
  requirePositiveMs('slidingWindows', 'sizeMs', sizeMs);
  requirePositiveMs('slidingWindows', 'slideMs', slideMs);
  const offset = options.offset ?? 0;
  if (!(Number.isFinite(offset) && Math.abs(offset) < slideMs)) {
    throw new InvalidArgumentError(`slidingWindows: \`offset\` must satisfy |offset| < slideMs (${slideMs}), got ${String(offset)}`);
  }
  const isEventTime = (options.time ?? 'event') === 'event';
  return {
    type: 'sliding',
    isEventTime,
    params: { sizeMs, slideMs, offset, time: isEventTime ? 'event' : 'processing' },
    fixed: { size: sizeMs, slide: slideMs, offset },
    assignWindows(_item, timestamp) {
      // Latest window first, as Flink lists them.
      const windows: TimeWindow[] = [];
      for (let start = windowStart(timestamp, offset, slideMs); start > timestamp - sizeMs; start -= slideMs) {
        windows.push({ start, end: start + sizeMs });
      }
      return windows;
    },
    defaultTrigger: () => (isEventTime ? eventTimeTrigger<T>() : processingTimeTrigger<T>()),
  };
}
