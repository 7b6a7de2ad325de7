import type { NodeOptions, Transformer } from '../contracts.js';
import { requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { failed, guard } from './internal/guard.js';

/**
 * Drops items while `predicate` holds; from the first item that fails it on,
 * passes everything. Signals always pass.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([1, 2, 5, 1])).pipe(skipWhile((x) => x < 3)).to(collect()); // [5, 1]
 * ```
 * @see {@link skip}, {@link takeWhile}
 */
export function skipWhile<T>(predicate: (item: T, position: number) => boolean, options?: NodeOptions): Transformer<T, T> {
  requireFunction('skipWhile', 'predicate', predicate);
  return defineTransformer<T, T>('skipWhile', { predicate }, options, (out, ctx) => {
    let skipping = true;
    return {
      item(value, position) {
        if (skipping) {
          const s = guard(ctx, out, value, position, () => predicate(value, position));
          if (s === failed || s) return;
          skipping = false;
        }
        ctx.stats.out++;
        out.next(value);
      },
    };
  });
}
