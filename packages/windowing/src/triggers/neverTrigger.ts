import { type Trigger, TriggerResult } from './trigger.js';

/**
 * Never fires: the default trigger of {@link globalWindows}, as in Flink. Give
 * global windows a real trigger (count, custom) to get output.
 *
 * @example
 * ```ts
 * windowAggregate({ assigner: globalWindows(), trigger: neverTrigger(), aggregate: count() }); // emits nothing
 * ```
 * @see {@link countTrigger}
 */
export function neverTrigger<T = unknown>(): Trigger<T> {
  return {
    onElement: () => TriggerResult.CONTINUE,
    onEventTime: () => TriggerResult.CONTINUE,
    onProcessingTime: () => TriggerResult.CONTINUE,
    canMerge: () => true,
    onMerge: () => undefined,
  };
}
