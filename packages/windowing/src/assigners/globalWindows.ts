import { neverTrigger } from '../triggers/neverTrigger.js';
import { globalWindow } from '../windows.js';
import type { WindowAssigner } from './windowAssigner.js';

const single = [globalWindow];

/**
 * One window per key holding every item, which never fires unless given a
 * trigger (Flink's GlobalWindows). State is released at the end of the input,
 * or by a purging trigger.
 *
 * @example
 * ```ts
 * windowAggregate({ assigner: globalWindows(), trigger: purgingTrigger(countTrigger(100)), key: (e) => e.user, aggregate: count() });
 * ```
 * @see {@link countWindows}
 */
export function globalWindows<T = unknown>(): WindowAssigner<T> {
  return {
    type: 'global',
    isEventTime: false,
    params: {},
    assignWindows: () => single,
    defaultTrigger: () => neverTrigger<T>(),
  };
}
