/** The Evictor API, mirroring Flink's: removes items from a window before and/or after the window function runs. */
import type { TimestampedValue, TimeWindow } from '../windows.js';

/** What an evictor sees besides the items. */
export interface EvictorContext {
  /** The operator's current watermark. */
  readonly currentWatermark: number;
  /** Current processing time. */
  currentProcessingTime(): number;
}

/**
 * Removes items from a window's buffer, in place (like Flink's iterator.remove()):
 * `evictBefore` runs before the window function, `evictAfter` after it. A window
 * with an evictor keeps every item (not one accumulator), as in Flink.
 *
 * @example
 * ```ts
 * const keepLastTwo: Evictor<number> = { evictBefore: (items) => { items.splice(0, Math.max(0, items.length - 2)); } };
 * ```
 * @see {@link countEvictor}, {@link timeEvictor}, {@link deltaEvictor}
 */
export interface Evictor<T> {
  /** Removes items before the window function runs. */
  evictBefore?(items: TimestampedValue<T>[], window: TimeWindow, ctx: EvictorContext): void;
  /** Removes items after the window function ran. */
  evictAfter?(items: TimestampedValue<T>[], window: TimeWindow, ctx: EvictorContext): void;
}

/** Options shared by the built-in evictors. */
export interface EvictorOptions {
  /** Evict after the window function instead of before (Flink's `doEvictAfter`). Default false. */
  readonly after?: boolean;
}
