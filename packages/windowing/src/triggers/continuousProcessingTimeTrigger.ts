import { requirePositiveMs } from '../internal/validate.js';
import { type Trigger, TriggerResult } from './trigger.js';

/**
 * Early firings in processing time: fires every `intervalMs` of the clock while
 * the window has items (Flink's `ContinuousProcessingTimeTrigger`). Combine it
 * with event-time windows to see running results before the watermark arrives;
 * like Flink's, it does not fire at the window end by itself.
 *
 * @example
 * ```ts
 * windowAggregate({ assigner: tumblingWindows(60_000, { time: 'processing' }), trigger: continuousProcessingTimeTrigger(5_000), aggregate: count() });
 * ```
 * @see {@link continuousEventTimeTrigger}, {@link processingTimeTrigger}
 */
export function continuousProcessingTimeTrigger<T = unknown>(intervalMs: number): Trigger<T> {
  requirePositiveMs('continuousProcessingTimeTrigger', 'intervalMs', intervalMs);
  return {
    onElement(_item, _timestamp, _window, ctx) {
      if (ctx.getState<number>('fireAt') === undefined) {
        const now = ctx.currentProcessingTime();
        const next = now - (((now % intervalMs) + intervalMs) % intervalMs) + intervalMs;
        ctx.setState('fireAt', next);
        ctx.registerProcessingTimeTimer(next);
      }
      return TriggerResult.CONTINUE;
    },
    onEventTime: () => TriggerResult.CONTINUE,
    onProcessingTime(time, _window, ctx) {
      if (ctx.getState<number>('fireAt') !== time) return TriggerResult.CONTINUE;
      ctx.setState('fireAt', time + intervalMs);
      ctx.registerProcessingTimeTimer(time + intervalMs);
      return TriggerResult.FIRE;
    },
    canMerge: () => true,
    onMerge(_window, ctx) {
      const pending = ctx.mergedStates<number>('fireAt');
      if (pending.length > 0) {
        const next = Math.min(...pending);
        ctx.setState('fireAt', next);
        ctx.registerProcessingTimeTimer(next);
      }
    },
  };
}
