import type { Consumer, NodeOptions } from '../contracts.js';
import { requireFunction } from '../errors.js';
import { defineConsumer } from '../internal/define.js';

/**
 * Folds every data item into one value and resolves with it.
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(range(1, 4)).to(reduceTo((sum, x) => sum + x, 0)).run(); // 10
 * ```
 * @see {@link collect}
 */
export function reduceTo<T, A>(fn: (accumulator: A, item: T, position: number) => A, seed: A, options?: NodeOptions): Consumer<T, A> {
  requireFunction('reduceTo', 'fn', fn);
  return defineConsumer<T, A>('reduceTo', { fn, seed }, options, () => {
    let acc = seed;
    return {
      item(value, position) {
        acc = fn(acc, value as T, position);
      },
      complete: () => acc,
    };
  });
}
