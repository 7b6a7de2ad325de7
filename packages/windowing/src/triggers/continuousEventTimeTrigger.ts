import { requirePositiveMs } from '../internal/validate.js';
import { type Trigger, TriggerResult } from './trigger.js';

/**
 * Early firings in event time: fires every `intervalMs` of watermark progress
 * inside the window and once more at its end (Flink's `ContinuousEventTimeTrigger`).
 * Intervals are aligned to the epoch.
 *
 * @example
 * ```ts
 * // an hourly window that also reports its running count every minute of event time
 * windowAggregate({ assigner: tumblingWindows(3_600_000), trigger: continuousEventTimeTrigger(60_000), timestamp: (e) => e.ts, aggregate: count() });
 * ```
 * @see {@link continuousProcessingTimeTrigger}, {@link eventTimeTrigger}
 */
export function continuousEventTimeTrigger<T = unknown>(intervalMs: number): Trigger<T> {
  requirePositiveMs('continuousEventTimeTrigger', 'intervalMs', intervalMs);
  const registerNext = (time: number, end: number, ctx: Parameters<Trigger<T>['onElement']>[3]) => {
    const next = Math.min(time, end);
    ctx.setState('fireAt', next);
    ctx.registerEventTimeTimer(next);
  };
  return {
    onElement(_item, timestamp, window, ctx) {
      if (window.end <= ctx.currentWatermark) return TriggerResult.FIRE;
      ctx.registerEventTimeTimer(window.end);
      if (ctx.getState<number>('fireAt') === undefined) {
        const start = timestamp - (((timestamp % intervalMs) + intervalMs) % intervalMs);
        registerNext(start + intervalMs, window.end, ctx);
      }
      return TriggerResult.CONTINUE;
    },
    onEventTime(time, window, ctx) {
      if (time === window.end) return TriggerResult.FIRE;
      if (ctx.getState<number>('fireAt') === time) {
        registerNext(time + intervalMs, window.end, ctx);
        return TriggerResult.FIRE;
      }
      return TriggerResult.CONTINUE;
    },
    onProcessingTime: () => TriggerResult.CONTINUE,
    canMerge: () => true,
    onMerge(window, ctx) {
      const pending = ctx.mergedStates<number>('fireAt');
      if (pending.length > 0) registerNext(Math.min(...pending), window.end, ctx);
      if (window.end > ctx.currentWatermark) ctx.registerEventTimeTimer(window.end);
    },
  };
}
