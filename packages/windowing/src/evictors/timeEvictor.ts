import { requirePositiveMs } from '../internal/validate.js';
import type { TimestampedValue } from '../windows.js';
import type { Evictor, EvictorOptions } from './evictor.js';

/**
 * Keeps only items whose timestamp is within `windowMs` of the newest item in
 * the window (Flink's `TimeEvictor`: keeps `timestamp > max − windowMs`).
 *
 * @example
 * ```ts
 * windowProcess({ assigner: tumblingWindows(60_000), timestamp: (e) => e.ts, evictor: timeEvictor(10_000), process: (items) => items.length });
 * ```
 * @see {@link countEvictor}
 */
export function timeEvictor<T = unknown>(windowMs: number, options: EvictorOptions = {}): Evictor<T> {
  requirePositiveMs('timeEvictor', 'windowMs', windowMs);
  const evict = (items: TimestampedValue<T>[]) => {
    if (items.length === 0) return;
    let max = -Infinity;
    for (const i of items) if (i.timestamp > max) max = i.timestamp;
    const cut = max - windowMs;
    let w = 0;
    for (const i of items) if (i.timestamp > cut) items[w++] = i;
    items.length = w;
  };
  return options.after ? { evictAfter: evict } : { evictBefore: evict };
}
