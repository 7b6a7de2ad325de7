import { requireTrigger } from '../internal/validate.js';
import { type Trigger, TriggerResult } from './trigger.js';

/**
 * Turns every FIRE of `inner` into FIRE_AND_PURGE (Flink's `PurgingTrigger`):
 * each firing then sees only the items since the previous one (discarding mode).
 *
 * @example
 * ```ts
 * purgingTrigger(countTrigger(10)); // tumbling count windows of 10 items
 * ```
 * @see {@link countTrigger}, {@link eventTimeTrigger}
 */
export function purgingTrigger<T>(inner: Trigger<T>): Trigger<T> {
  requireTrigger('purgingTrigger', inner);
  const purge = (r: TriggerResult): TriggerResult => (r === TriggerResult.FIRE ? TriggerResult.FIRE_AND_PURGE : r);
  const t: Trigger<T> = {
    onElement: (item, ts, w, ctx) => purge(inner.onElement(item, ts, w, ctx)),
    onEventTime: (time, w, ctx) => purge(inner.onEventTime(time, w, ctx)),
    onProcessingTime: (time, w, ctx) => purge(inner.onProcessingTime(time, w, ctx)),
    canMerge: () => inner.canMerge?.() === true,
  };
  if (inner.onMerge) t.onMerge = inner.onMerge.bind(inner);
  if (inner.clear) t.clear = inner.clear.bind(inner);
  return t;
}
