import type { NodeOptions, Transformer } from '../contracts.js';
import { requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { failed, recoverSync } from '../internal/recoverSync.js';

/**
 * Keeps the data items for which `predicate` returns true; signals always pass.
 *
 * @example
 * ```ts
 * pipeline().from(range(1, 6)).pipe(filter((x) => x % 2 === 0)).to(collect()); // [2, 4, 6]
 * ```
 * @see {@link map}
 */
export function filter<T, S extends T = T>(
  predicate: ((item: T, position: number) => item is S) | ((item: T, position: number) => boolean),
  options?: NodeOptions,
): Transformer<T, S> {
  requireFunction('filter', 'predicate', predicate);
  return defineTransformer<T, S>('filter', { predicate }, options, (out, ctx) => {
    const stats = ctx.stats;
    return {
      item(value, position) {
        let keep: boolean;
        try {
          keep = predicate(value, position);
        } catch (e) {
          const recovered = recoverSync(ctx, out, e, value, position, () => predicate(value, position));
          if (recovered === failed) return;
          keep = recovered;
        }
        if (keep) {
          stats.out++;
          out.next(value as S);
        }
      },
    };
  });
}
