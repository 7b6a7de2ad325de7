import { InvalidArgumentError } from '@streamweave/core';
import { type Trigger, TriggerResult } from './trigger.js';

/**
 * Fires every `count` items added to a window (Flink's `CountTrigger`); the
 * contents are kept unless wrapped in {@link purgingTrigger}. Use it for count
 * windows or as an early firing every n items.
 *
 * @example
 * ```ts
 * windowAggregate({ assigner: globalWindows(), trigger: purgingTrigger(countTrigger(100)), aggregate: sum((x) => x) });
 * ```
 * @see {@link countWindows}
 */
export function countTrigger<T = unknown>(count: number): Trigger<T> {
  if (!(Number.isInteger(count) && count > 0)) {
    throw new InvalidArgumentError(`countTrigger: \`count\` must be a positive integer, got ${String(count)}`);
  }
  return {
    onElement(_item, _timestamp, _window, ctx) {
      const n = (ctx.getState<number>('count') ?? 0) + 1;
      if (n >= count) {
        ctx.setState('count', undefined);
        return TriggerResult.FIRE;
      }
      ctx.setState('count', n);
      return TriggerResult.CONTINUE;
    },
    onEventTime: () => TriggerResult.CONTINUE,
    onProcessingTime: () => TriggerResult.CONTINUE,
    canMerge: () => true,
    onMerge(_window, ctx) {
      let n = 0;
      for (const c of ctx.mergedStates<number>('count')) n += c;
      ctx.setState('count', n === 0 ? undefined : n);
    },
  };
}
