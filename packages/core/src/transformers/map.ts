import type { NodeOptions, Transformer } from '../contracts.js';
import { requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { failed, recoverSync } from '../internal/recoverSync.js';

/**
 * Applies a synchronous function to every data item; signals pass through in order.
 * A throwing `fn` goes through the node's error strategy (retries are immediate).
 *
 * @example
 * ```ts
 * pipeline().from(range(1, 3)).pipe(map((x) => x * 10)).to(collect()); // [10, 20, 30]
 * ```
 * @see {@link mapAsync} for promises, {@link filter}
 */
export function map<I, O>(fn: (item: I, position: number) => O, options?: NodeOptions): Transformer<I, O> {
  requireFunction('map', 'fn', fn);
  return defineTransformer<I, O>('map', { fn }, options, (out, ctx) => {
    const stats = ctx.stats;
    return {
      item(value, position) {
        let result: O;
        try {
          result = fn(value, position);
        } catch (e) {
          const recovered = recoverSync(ctx, out, e, value, position, () => fn(value, position));
          if (recovered === failed) return;
          result = recovered;
        }
        stats.out++;
        out.next(result);
      },
    };
  });
}
