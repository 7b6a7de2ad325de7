/**
 * The Trigger API, mirroring Flink's: a trigger decides, per window, when the
 * window function runs (FIRE) and when the window contents are dropped (PURGE).
 */
import type { TimeWindow } from '../windows.js';

/**
 * What a trigger asks the window operator to do, as in Flink:
 * `CONTINUE` nothing, `FIRE` run the window function and keep the contents,
 * `PURGE` drop the contents, `FIRE_AND_PURGE` both.
 *
 * @example
 * ```ts
 * return count >= 10 ? TriggerResult.FIRE_AND_PURGE : TriggerResult.CONTINUE;
 * ```
 * @see {@link Trigger}
 */
export const TriggerResult = {
  CONTINUE: 'CONTINUE',
  FIRE: 'FIRE',
  PURGE: 'PURGE',
  FIRE_AND_PURGE: 'FIRE_AND_PURGE',
} as const;

/** One of the {@link (TriggerResult:variable)} values. */
export type TriggerResult = (typeof TriggerResult)[keyof typeof TriggerResult];

/**
 * What a trigger can see and do for the window it is called for: timers and a
 * small per-window state (like Flink's partitioned trigger state).
 */
export interface TriggerContext {
  /** The operator's current event-time watermark (-Infinity before the first one). */
  readonly currentWatermark: number;
  /** Current processing time (the run's clock). */
  currentProcessingTime(): number;
  /** Calls `onEventTime(time)` once the watermark reaches `time` (watermark ≥ time). */
  registerEventTimeTimer(time: number): void;
  /** Removes a timer registered with {@link TriggerContext.registerEventTimeTimer}. */
  deleteEventTimeTimer(time: number): void;
  /** Calls `onProcessingTime(time)` once the clock reaches `time`. */
  registerProcessingTimeTimer(time: number): void;
  /** Removes a timer registered with {@link TriggerContext.registerProcessingTimeTimer}. */
  deleteProcessingTimeTimer(time: number): void;
  /** Reads this window's trigger state `name`. */
  getState<S>(name: string): S | undefined;
  /** Writes this window's trigger state `name` (undefined clears it). */
  setState<S>(name: string, value: S | undefined): void;
}

/** The context of {@link Trigger.onMerge}: also sees the states of the windows being merged. */
export interface OnMergeContext extends TriggerContext {
  /** The values of state `name` in the merged windows (those that had one). */
  mergedStates<S>(name: string): S[];
}

/**
 * Decides when a window fires and purges. Mirrors Flink's `Trigger`:
 * onElement / onEventTime / onProcessingTime return a {@link (TriggerResult:type)};
 * merging windows (sessions) need `canMerge` and `onMerge`.
 *
 * @example
 * ```ts
 * const everyThird: Trigger<unknown> = {
 *   onElement: (_x, _ts, _w, ctx) => {
 *     const n = (ctx.getState<number>('n') ?? 0) + 1;
 *     ctx.setState('n', n % 3);
 *     return n === 3 ? TriggerResult.FIRE : TriggerResult.CONTINUE;
 *   },
 *   onEventTime: () => TriggerResult.CONTINUE,
 *   onProcessingTime: () => TriggerResult.CONTINUE,
 * };
 * ```
 * @see {@link eventTimeTrigger}, {@link countTrigger}, {@link purgingTrigger}
 */
export interface Trigger<T> {
  /** An item was added to `window`. */
  onElement(item: T, timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  /** An event-time timer of `window` fired. */
  onEventTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  /** A processing-time timer of `window` fired. */
  onProcessingTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  /** True when the trigger supports merging windows (required by session windows). */
  canMerge?(): boolean;
  /** Windows were merged into `window`: re-register timers and merge state. */
  onMerge?(window: TimeWindow, ctx: OnMergeContext): void;
  /** The window is being removed: release anything kept outside the context. */
  clear?(window: TimeWindow, ctx: TriggerContext): void;
}
