import { type Trigger, TriggerResult } from './trigger.js';

/**
 * Fires a window once the watermark passes its end, and again for every late
 * item that arrives within the allowed lateness (Flink's `EventTimeTrigger`).
 * It is the default trigger of event-time assigners.
 *
 * StreamWeave's `Watermark(t)` means "no item earlier than t follows" while
 * Flink's means "no item at or before t": so the timer is set at `window.end`
 * here and at `end - 1` in Flink, which is the same instant.
 *
 * @example
 * ```ts
 * windowAggregate({ assigner: tumblingWindows(1000), trigger: eventTimeTrigger(), timestamp: (e) => e.ts, aggregate: count() });
 * ```
 * @see {@link continuousEventTimeTrigger} for early firings, {@link purgingTrigger}
 */
export function eventTimeTrigger<T = unknown>(): Trigger<T> {
  return {
    onElement(_item, _timestamp, window, ctx) {
      if (window.end <= ctx.currentWatermark) return TriggerResult.FIRE;
      ctx.registerEventTimeTimer(window.end);
      return TriggerResult.CONTINUE;
    },
    onEventTime: (time, window) => (time === window.end ? TriggerResult.FIRE : TriggerResult.CONTINUE),
    onProcessingTime: () => TriggerResult.CONTINUE,
    canMerge: () => true,
    onMerge(window, ctx) {
      if (window.end > ctx.currentWatermark) ctx.registerEventTimeTimer(window.end);
    },
  };
}
