/**
 * The window model shared by assigners, triggers, evictors and window operators.
 */
import { InvalidArgumentError } from '@streamweave/core';

/**
 * A time window [start, end): `start` inclusive, `end` exclusive, in milliseconds.
 * The global window is [-Infinity, +Infinity).
 *
 * @example
 * ```ts
 * const w: TimeWindow = { start: 0, end: 60_000 };
 * ```
 * @see {@link WindowResult}
 */
export interface TimeWindow {
  /** Inclusive start (ms). */
  readonly start: number;
  /** Exclusive end (ms). */
  readonly end: number;
}

/** A buffered item with its timestamp (event time, or processing time for processing-time windows). */
export interface TimestampedValue<T> {
  /** The item. */
  readonly value: T;
  /** Its timestamp in ms. */
  readonly timestamp: number;
}

/**
 * When a firing happened relative to the window end, like Beam's pane timing:
 * `early` before time passed the window end, `on-time` the first firing after
 * it, `late` every later firing (allowed lateness).
 */
export type FiringTiming = 'early' | 'on-time' | 'late';

/**
 * What a window operator emits per firing: the key, the window bounds and the
 * result of the window function.
 *
 * @example
 * ```ts
 * // { key: 'user-1', window: { start: 0, end: 60000 }, result: 3, timing: 'on-time', firing: 0 }
 * ```
 * @see {@link windowAggregate}, {@link windowReduce}, {@link windowProcess}
 */
export interface WindowResult<K, R> {
  /** The key (undefined for non-keyed windows). */
  readonly key: K;
  /** The window bounds. */
  readonly window: TimeWindow;
  /** The window function's result. */
  readonly result: R;
  /** Early, on-time or late firing. */
  readonly timing: FiringTiming;
  /** Zero-based index of this firing of the window (re-firings count up). */
  readonly firing: number;
}

/**
 * Creates a {@link TimeWindow}, checking `start < end`.
 *
 * @example
 * ```ts
 * timeWindow(0, 1000); // { start: 0, end: 1000 }
 * ```
 */
export function timeWindow(start: number, end: number): TimeWindow {
  if (!(typeof start === 'number' && typeof end === 'number' && start < end)) {
    throw new InvalidArgumentError(`timeWindow: expected start < end, got [${String(start)}, ${String(end)})`);
  }
  return { start, end };
}

/** The single global window (all items of a key), used by {@link globalWindows} and {@link countWindows}. */
export const globalWindow: TimeWindow = Object.freeze({ start: -Infinity, end: Infinity });
