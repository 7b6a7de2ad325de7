import { InvalidArgumentError } from '@streamweave/core';
import { requireFn } from '../internal/validate.js';
import type { TimestampedValue } from '../windows.js';
import type { Evictor, EvictorOptions } from './evictor.js';

/**
 * Drops items whose delta to the newest item is at or above `threshold`
 * (Flink's `DeltaEvictor`).
 *
 * @example
 * ```ts
 * deltaEvictor(5, (a: number, b: number) => Math.abs(a - b)); // keep values within 5 of the latest
 * ```
 * @see {@link countEvictor}, {@link timeEvictor}
 */
export function deltaEvictor<T>(threshold: number, delta: (oldItem: T, newest: T) => number, options: EvictorOptions = {}): Evictor<T> {
  if (!(typeof threshold === 'number' && !Number.isNaN(threshold))) {
    throw new InvalidArgumentError(`deltaEvictor: \`threshold\` must be a number, got ${String(threshold)}`);
  }
  requireFn('deltaEvictor', 'delta', delta);
  const evict = (items: TimestampedValue<T>[]) => {
    if (items.length === 0) return;
    const newest = items[items.length - 1]!.value;
    let w = 0;
    for (const i of items) if (delta(i.value, newest) < threshold) items[w++] = i;
    items.length = w;
  };
  return options.after ? { evictAfter: evict } : { evictBefore: evict };
}
