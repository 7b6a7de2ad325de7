import { InvalidArgumentError } from '@streamweave/core';
import type { Evictor, EvictorOptions } from './evictor.js';

/**
 * Keeps at most `maxCount` items in a window, dropping the oldest (Flink's `CountEvictor`).
 *
 * @example
 * ```ts
 * windowProcess({ assigner: globalWindows(), trigger: countTrigger(1), evictor: countEvictor(3), process: (items) => items });
 * ```
 * @see {@link timeEvictor}, {@link deltaEvictor}
 */
export function countEvictor<T = unknown>(maxCount: number, options: EvictorOptions = {}): Evictor<T> {
  if (!(Number.isInteger(maxCount) && maxCount > 0)) {
    throw new InvalidArgumentError(`countEvictor: \`maxCount\` must be a positive integer, got ${String(maxCount)}`);
  }
  const evict = (items: { length: number; splice(start: number, n: number): unknown }) => {
    if (items.length > maxCount) items.splice(0, items.length - maxCount);
  };
  return options.after ? { evictAfter: evict } : { evictBefore: evict };
}
