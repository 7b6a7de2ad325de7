import { type Trigger, TriggerResult } from './trigger.js';

/**
 * Fires a window when the clock reaches its end (Flink's `ProcessingTimeTrigger`);
 * the default trigger of processing-time assigners.
 *
 * @example
 * ```ts
 * windowAggregate({ assigner: tumblingWindows(1000, { time: 'processing' }), trigger: processingTimeTrigger(), aggregate: count() });
 * ```
 * @see {@link continuousProcessingTimeTrigger}, {@link eventTimeTrigger}
 */
export function processingTimeTrigger<T = unknown>(): Trigger<T> {
  return {
    onElement(_item, _timestamp, window, ctx) {
      ctx.registerProcessingTimeTimer(window.end);
      return TriggerResult.CONTINUE;
    },
    onEventTime: () => TriggerResult.CONTINUE,
    onProcessingTime: (time, window) => (time === window.end ? TriggerResult.FIRE : TriggerResult.CONTINUE),
    canMerge: () => true,
    onMerge(window, ctx) {
      if (window.end > ctx.currentProcessingTime()) ctx.registerProcessingTimeTimer(window.end);
    },
  };
}
