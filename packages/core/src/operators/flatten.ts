import type { NodeOptions, Transformer } from '../contracts.js';
import { defineTransformer } from '../internal/define.js';

/**
 * Emits the elements of each array (or other synchronous iterable) item one by
 * one, in order. Non-iterable items fail through the error strategy; strings are
 * treated as single values, not as characters.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([[1, 2], [], [3]])).pipe(flatten()).to(collect()); // [1, 2, 3]
 * ```
 * @see {@link flatMap}, {@link chunk}
 */
export function flatten<T>(options?: NodeOptions): Transformer<Iterable<T>, T> {
  return defineTransformer<Iterable<T>, T>('flatten', {}, options, (out, ctx) => ({
    item(value, position) {
      if (value === null || typeof value !== 'object' || typeof (value as Iterable<T>)[Symbol.iterator] !== 'function') {
        const d = ctx.fail(new TypeError(`flatten expects an iterable item, got ${value === null ? 'null' : typeof value}`), value, position, 1);
        if (d.action === 'stop') out.error(d.error);
        return;
      }
      for (const x of value) {
        ctx.stats.out++;
        out.next(x);
      }
    },
  }));
}
