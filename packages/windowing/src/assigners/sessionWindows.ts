import { StreamWeaveError } from '@streamweave/core';
import { requireFn, requirePositiveMs } from '../internal/validate.js';
import { eventTimeTrigger } from '../triggers/eventTimeTrigger.js';
import { processingTimeTrigger } from '../triggers/processingTimeTrigger.js';
import type { TimeCharacteristic, WindowAssigner } from './windowAssigner.js';

/** Options of {@link sessionWindows}. */
export interface SessionWindowOptions {
  /** Event time (default) or processing time. */
  readonly time?: TimeCharacteristic;
}

/**
 * Session windows: an item opens [t, t + gap); windows of a key that overlap
 * or touch merge, so a session closes after `gap` ms without items. A late item
 * that bridges two sessions merges them into one (Flink's EventTimeSessionWindows,
 * including its merge semantics). Pass a function for a per-item gap (Flink's
 * dynamic gap).
 *
 * @example
 * ```ts
 * sessionWindows(30 * 60_000);                       // 30-minute inactivity gap
 * sessionWindows((e: { vip: boolean }) => (e.vip ? 60_000 : 10_000));
 * ```
 * @see {@link tumblingWindows}
 */
export function sessionWindows<T = unknown>(gap: number | ((item: T) => number), options: SessionWindowOptions = {}): WindowAssigner<T> {
  if (typeof gap === 'function') requireFn('sessionWindows', 'gap', gap);
  else requirePositiveMs('sessionWindows', 'gap', gap);
  const isEventTime = (options.time ?? 'event') === 'event';
  return {
    type: 'session',
    isEventTime,
    isMerging: true,
    params: { gap, time: isEventTime ? 'event' : 'processing' },
    assignWindows(item, timestamp) {
      const g = typeof gap === 'function' ? gap(item) : gap;
      if (!(typeof g === 'number' && Number.isFinite(g) && g > 0)) {
        throw new StreamWeaveError(`sessionWindows: the gap function must return a positive number of ms, got ${String(g)}`);
      }
      return [{ start: timestamp, end: timestamp + g }];
    },
    defaultTrigger: () => (isEventTime ? eventTimeTrigger<T>() : processingTimeTrigger<T>()),
  };
}
