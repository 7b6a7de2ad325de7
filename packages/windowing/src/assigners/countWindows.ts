import { InvalidArgumentError } from '@streamweave/core';
import { countEvictor } from '../evictors/countEvictor.js';
import { countTrigger } from '../triggers/countTrigger.js';
import { purgingTrigger } from '../triggers/purgingTrigger.js';
import { globalWindow } from '../windows.js';
import type { WindowAssigner } from './windowAssigner.js';

const single = [globalWindow];

/**
 * Count windows per key, as Flink's `countWindow(size[, slide])`: tumbling
 * windows of `size` items (global window + purging count trigger), or, with a
 * `slide`, the last `size` items every `slide` items (global window + count
 * trigger + count evictor). Windows that are not full when the input ends are
 * dropped, as in Flink; they stay visible in the operator's stats until then.
 *
 * @example
 * ```ts
 * windowAggregate({ assigner: countWindows(3), key: (e) => e.user, aggregate: sum((e) => e.amount) });
 * windowProcess({ assigner: countWindows(4, 2), process: (items) => items });
 * ```
 * @see {@link globalWindows}, {@link countTrigger}
 */
export function countWindows<T = unknown>(size: number, slide?: number): WindowAssigner<T> {
  for (const [name, v] of [['size', size], ['slide', slide ?? 1]] as const) {
    if (!(Number.isInteger(v) && v > 0)) throw new InvalidArgumentError(`countWindows: \`${name}\` must be a positive integer, got ${String(v)}`);
  }
  const sliding = slide !== undefined;
  return {
    type: 'count',
    isEventTime: false,
    params: { size, slide: slide ?? size },
    assignWindows: () => single,
    defaultTrigger: () => (sliding ? countTrigger<T>(slide) : purgingTrigger(countTrigger<T>(size))),
    defaultEvictor: () => (sliding ? countEvictor<T>(size) : undefined),
  };
}
