import type { Subscriber } from 'rxjs';
import type { NodeOptions, Transformer } from '../../contracts.js';
import { InvalidArgumentError, requireFunction, requirePositiveInteger } from '../../errors.js';
import { asyncStage } from '../../internal/asyncStage.js';
import { defineTransformer } from '../../internal/define.js';
import type { Element } from '../../signals.js';
import { failed, guard, MissingKeyError } from '../internal/guard.js';

/** A lookup table: a Map (or anything with `get`), or an async lookup function. */
export type LookupSource<K, V> = { get(key: K): V | undefined } | ((key: K) => Promise<V | undefined> | V | undefined);

/** Options of {@link lookupJoin}. */
export interface LookupJoinOptions<T, K, V, O> extends NodeOptions {
  /** Lookup key of an item; a missing key fails through the error strategy. */
  readonly key: (item: T) => K;
  /** Builds the output from the item and the looked-up value (undefined when absent in a `left` join). */
  readonly select: (item: T, value: V | undefined) => O;
  /** `inner` (default): items without a match are dropped (counted as skipped). `left`: they pass with `undefined`. */
  readonly type?: 'inner' | 'left';
  /** Async lookups: entries cached at most (LRU, default 10 000; 0 disables the cache). */
  readonly cacheSize?: number;
  /** Async lookups: a cached entry is used for at most this long (run's clock). */
  readonly cacheTtlMs?: number;
  /** Async lookups in flight at once (default 8); output keeps input order. */
  readonly concurrency?: number;
}

const noMatch: unique symbol = Symbol('no match');

/**
 * Enrichment join against a table: each item is joined with `table.get(key)`
 * (a Map) or `await lookup(key)` (an async function: a database, a service)
 * and `select(item, value)` is emitted. Async lookups run with bounded
 * concurrency, each item in flight holding a backpressure credit, and results
 * go through a bounded LRU cache (with optional TTL on the run's clock), so a
 * hot key is fetched once. Failing lookups go through the error strategy
 * (retry with backoff included).
 *
 * @example
 * ```ts
 * pipeline().from(orders)
 *   .pipe(lookupJoin(async (id) => db.customer(id), { key: (o) => o.customerId, select: (o, c) => ({ ...o, customer: c }), type: 'left' }))
 *   .to(sink);
 * ```
 * @see {@link windowJoin}, {@link intervalJoin}, {@link mapAsync}
 */
export function lookupJoin<T, K, V, O>(table: LookupSource<K, V>, options: LookupJoinOptions<T, K, V, O>): Transformer<T, O> {
  const isFn = typeof table === 'function';
  if (!isFn && (table === null || typeof table !== 'object' || typeof (table as { get?: unknown }).get !== 'function')) {
    throw new InvalidArgumentError('lookupJoin: `table` must be a Map (or have get()) or a lookup function');
  }
  requireFunction('lookupJoin', 'key', options?.key);
  requireFunction('lookupJoin', 'select', options.select);
  const type = options.type ?? 'inner';
  if (type !== 'inner' && type !== 'left') throw new InvalidArgumentError(`lookupJoin: \`type\` must be inner or left, got ${String(type)}`);
  const cacheSize = options.cacheSize ?? 10_000;
  if (!(Number.isInteger(cacheSize) && cacheSize >= 0)) throw new InvalidArgumentError(`lookupJoin: \`cacheSize\` must be a non-negative integer, got ${String(cacheSize)}`);
  const concurrency = options.concurrency ?? 8;
  requirePositiveInteger('lookupJoin', 'concurrency', concurrency);
  const keyOf = (item: T): K => {
    const k = options.key(item);
    if (k === undefined) throw new MissingKeyError('lookup key');
    return k;
  };
  const params = { type, cacheSize, cacheTtlMs: options.cacheTtlMs, concurrency, table: isFn ? '<function>' : '<table>' };
  if (!isFn) {
    const t = table as { get(key: K): V | undefined };
    return defineTransformer<T, O>('lookupJoin', params, options, (out, ctx) => ({
      item(value, position) {
        const o = guard(ctx, out, value, position, () => {
          const v = t.get(keyOf(value));
          return v === undefined && type === 'inner' ? noMatch : options.select(value, v);
        });
        if (o === failed) return;
        if (o === noMatch) {
          ctx.stats.skipped++;
          return;
        }
        ctx.stats.out++;
        out.next(o);
      },
    }));
  }
  const lookup = table as (key: K) => Promise<V | undefined> | V | undefined;
  return defineTransformer<T, O>('lookupJoin', params, options, (out, ctx) => {
    const cache = new Map<K, { v: V | undefined; at: number }>();
    const ttl = options.cacheTtlMs;
    // Results marked noMatch are filtered here, after asyncStage kept their order.
    const filtered = {
      next(el: Element<O> | typeof noMatch) {
        if (el === noMatch) {
          ctx.stats.out--;
          ctx.stats.skipped++;
          return;
        }
        out.next(el);
      },
      error: (e: unknown) => out.error(e),
      complete: () => out.complete(),
    } as unknown as Subscriber<Element<O | typeof noMatch>>;
    return asyncStage<T, O | typeof noMatch>(filtered, ctx, { concurrency, ordered: true }, async (value) => {
      const k = keyOf(value);
      let hit = cacheSize > 0 ? cache.get(k) : undefined;
      if (hit && ttl !== undefined && ctx.clock.now() - hit.at > ttl) hit = undefined;
      let v: V | undefined;
      if (hit) {
        cache.delete(k);
        cache.set(k, hit);
        v = hit.v;
      } else {
        v = await lookup(k);
        if (cacheSize > 0) {
          cache.delete(k);
          if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as K);
          cache.set(k, { v, at: ctx.clock.now() });
        }
      }
      return v === undefined && type === 'inner' ? noMatch : options.select(value, v);
    });
  });
}
