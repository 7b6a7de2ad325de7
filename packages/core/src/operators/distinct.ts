import type { NodeOptions, Transformer } from '../contracts.js';
import { requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { failed, guard, requireKeyOf } from './internal/guard.js';
import { KeyTable } from './internal/keyTable.js';
import { checkKeyBounds } from './keyedReduce.js';

/** Options of {@link distinct}. */
export interface DistinctOptions<T, K> extends NodeOptions {
  /** Dedupe by this key (default: the item itself, compared with SameValueZero like a Set). */
  readonly key?: (item: T) => K;
  /** Keys remembered at most (default 1 000 000); beyond it a key not seen recently is forgotten (CLOCK, an LRU approximation). */
  readonly maxKeys?: number;
  /** A key not seen for this long (run's clock) is forgotten, so it may pass again. */
  readonly ttlMs?: number;
}

/**
 * Exact dedupe: an item passes only if its key has not been seen (within the
 * remembered keys). Memory is bounded by `maxKeys` and optionally `ttlMs`; a
 * forgotten key may pass again, so the guarantee is "no duplicate within the
 * retention", as in Kafka Streams' windowed dedupe. Seeing a key again
 * refreshes it. A throwing or missing key goes through the error strategy.
 *
 * When to use: idempotent ingestion of at-least-once sources. For huge key
 * spaces with a tolerated error, {@link approximateDistinct}.
 *
 * @example
 * ```ts
 * pipeline().from(events).pipe(distinct({ key: (e) => e.id, ttlMs: 3_600_000 })).to(sink);
 * ```
 * @see {@link approximateDistinct}, {@link distinctUntilChanged}
 */
export function distinct<T, K = T>(options: DistinctOptions<T, K> = {}): Transformer<T, T> {
  const key = options.key ?? ((x: T) => x as unknown as K);
  requireFunction('distinct', 'key', key);
  const { maxKeys, idleMs } = checkKeyBounds('distinct', { maxKeys: options.maxKeys ?? 1_000_000, idleMs: options.ttlMs });
  const keyOf = requireKeyOf(key);
  return defineTransformer<T, T>('distinct', { key, maxKeys, ttlMs: idleMs }, options, (out, ctx) => {
    const seen = new KeyTable<K, true>(maxKeys, idleMs, ctx.clock, () => undefined);
    return {
      item(value, position) {
        const k = guard(ctx, out, value, position, () => keyOf(value));
        if (k === failed) return;
        const fresh = { is: false };
        seen.touch(k, () => (fresh.is = true));
        if (!fresh.is) return;
        ctx.stats.out++;
        out.next(value);
      },
      teardown: () => seen.stop(),
    };
  });
}
