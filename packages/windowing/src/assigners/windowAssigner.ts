/** The WindowAssigner API, mirroring Flink's: which windows an item belongs to. */
import type { Evictor } from '../evictors/evictor.js';
import type { Trigger } from '../triggers/trigger.js';
import type { TimeWindow } from '../windows.js';

/** Whether windows follow event time (timestamps + watermarks) or the clock. */
export type TimeCharacteristic = 'event' | 'processing';

/** What an assigner can read while assigning. */
export interface WindowAssignerContext {
  /** Current processing time (the run's clock). */
  currentProcessingTime(): number;
}

/**
 * Assigns every item to zero or more windows. Implement it for custom windows;
 * set `isMerging` to have overlapping windows of a key merged (as session
 * windows are), with the union as the merged window.
 *
 * @example
 * ```ts
 * // calendar-day windows in UTC+2
 * const days: WindowAssigner<unknown> = {
 *   type: 'days', isEventTime: true,
 *   assignWindows: (_x, ts) => { const s = Math.floor((ts + 7_200_000) / 86_400_000) * 86_400_000 - 7_200_000; return [{ start: s, end: s + 86_400_000 }]; },
 *   defaultTrigger: () => eventTimeTrigger(),
 * };
 * ```
 * @see {@link tumblingWindows}, {@link slidingWindows}, {@link sessionWindows}, {@link globalWindows}, {@link countWindows}
 */
export interface WindowAssigner<T> {
  /** A short name for descriptors (`tumbling`, `sliding`…). */
  readonly type: string;
  /** True for event-time windows (the operator then needs a `timestamp` extractor). */
  readonly isEventTime: boolean;
  /** True when overlapping windows of one key merge (session windows). */
  readonly isMerging?: boolean;
  /** The windows of `item` whose timestamp is `timestamp` (event time, or processing time). */
  assignWindows(item: T, timestamp: number, ctx: WindowAssignerContext): readonly TimeWindow[];
  /** The trigger used when the operator is given none. */
  defaultTrigger(): Trigger<T>;
  /** The evictor used when the operator is given none (count windows with a slide). */
  defaultEvictor?(): Evictor<T> | undefined;
  /** Plain-data parameters for the node descriptor. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Fixed-size windows (tumbling, sliding): lets the operator assign without allocating. @internal */
  readonly fixed?: { readonly size: number; readonly slide: number; readonly offset: number };
}

/** Options of the time-based assigners. */
export interface TimeWindowOptions {
  /** Event time (default) or processing time. */
  readonly time?: TimeCharacteristic;
  /** Shifts the epoch alignment of windows, like Flink's offset (for time zones). `|offset| < size` (or slide). */
  readonly offset?: number;
}

/** Start of the fixed window containing `ts`: Flink's getWindowStartWithOffset, safe for negative values. @internal */
export function windowStart(ts: number, offset: number, size: number): number {
  return ts - ((((ts - offset) % size) + size) % size);
}
