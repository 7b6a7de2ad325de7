import { InvalidArgumentError } from '@streamweave/core';
import { requirePositiveMs } from '../internal/validate.js';
import { eventTimeTrigger } from '../triggers/eventTimeTrigger.js';
import { processingTimeTrigger } from '../triggers/processingTimeTrigger.js';
import { type TimeWindowOptions, type WindowAssigner, windowStart } from './windowAssigner.js';

/**
 * Tumbling windows of `sizeMs`: fixed, non-overlapping, aligned to the epoch
 * (plus `offset`), like Flink's TumblingEventTimeWindows /
 * TumblingProcessingTimeWindows. Each item falls in exactly one window.
 *
 * @example
 * ```ts
 * tumblingWindows(60_000);                            // event-time minutes
 * tumblingWindows(86_400_000, { offset: -7_200_000 }); // days starting at midnight UTC+2
 * tumblingWindows(1_000, { time: 'processing' });
 * ```
 * @see {@link slidingWindows}, {@link sessionWindows}
 */
export function tumblingWindows<T = unknown>(sizeMs: number, options: TimeWindowOptions = {}): WindowAssigner<T> {
  requirePositiveMs('tumblingWindows', 'sizeMs', sizeMs);
  const offset = options.offset ?? 0;
  if (!(Number.isFinite(offset) && Math.abs(offset) < sizeMs)) {
    throw new InvalidArgumentError(`tumblingWindows: \`offset\` must satisfy |offset| < sizeMs (${sizeMs}), got ${String(offset)}`);
  }
  const isEventTime = (options.time ?? 'event') === 'event';
  return {
    type: 'tumbling',
    isEventTime,
    params: { sizeMs, offset, time: isEventTime ? 'event' : 'processing' },
    fixed: { size: sizeMs, slide: sizeMs, offset },
    assignWindows(_item, timestamp) {
      const start = windowStart(timestamp, offset, sizeMs);
      return [{ start, end: start + sizeMs }];
    },
    defaultTrigger: () => (isEventTime ? eventTimeTrigger<T>() : processingTimeTrigger<T>()),
  };
}
