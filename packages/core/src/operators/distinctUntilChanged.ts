import type { NodeOptions, Transformer } from '../contracts.js';
import { requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { failed, guard } from './internal/guard.js';

/** Options of {@link distinctUntilChanged}. */
export interface DistinctUntilChangedOptions<T, K> extends NodeOptions {
  /** Compares by this key (default: the item itself). */
  readonly key?: (item: T) => K;
  /** Equality of keys (default `Object.is`). */
  readonly equals?: (a: K, b: K) => boolean;
}

/**
 * Dedupes consecutive equal items: an item passes only when it differs from the
 * previous one. Memory is one key. Throwing key/equality functions go through
 * the error strategy.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([1, 1, 2, 2, 1])).pipe(distinctUntilChanged()).to(collect()); // [1, 2, 1]
 * ```
 * @see {@link distinct} for global dedupe.
 */
export function distinctUntilChanged<T, K = T>(options: DistinctUntilChangedOptions<T, K> = {}): Transformer<T, T> {
  const key = options.key ?? ((x: T) => x as unknown as K);
  const equals = options.equals ?? Object.is;
  requireFunction('distinctUntilChanged', 'key', key);
  requireFunction('distinctUntilChanged', 'equals', equals);
  return defineTransformer<T, T>('distinctUntilChanged', { key, equals }, options, (out, ctx) => {
    let has = false;
    let last: K | undefined;
    return {
      item(value, position) {
        const k = guard(ctx, out, value, position, () => key(value));
        if (k === failed) return;
        if (has) {
          const same = guard(ctx, out, value, position, () => equals(last as K, k));
          if (same === failed || same) return;
        }
        has = true;
        last = k;
        ctx.stats.out++;
        out.next(value);
      },
    };
  });
}
