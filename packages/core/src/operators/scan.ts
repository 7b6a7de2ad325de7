import type { NodeOptions, Transformer } from '../contracts.js';
import { requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { failed, guard } from './internal/guard.js';

/**
 * Emits every intermediate accumulator, like RxJS `scan`. The accumulator may
 * change type (`A` differs from `T`), unlike {@link reduce}'s rolling mode which
 * this generalises with a seed factory: `seed()` is called once per run, so a
 * mutable seed (a Map, an array) is never shared between runs.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([1, 2, 3])).pipe(scan((acc, x) => [...acc, x], () => [] as number[])).to(collect());
 * // [[1], [1, 2], [1, 2, 3]]
 * ```
 * @see {@link reduce}, {@link runningSum}
 */
export function scan<T, A>(accumulator: (acc: A, item: T, position: number) => A, seed: () => A, options?: NodeOptions): Transformer<T, A> {
  requireFunction('scan', 'accumulator', accumulator);
  requireFunction('scan', 'seed', seed);
  return defineTransformer<T, A>('scan', { accumulator, seed }, options, (out, ctx) => {
    let acc = seed();
    return {
      item(value, position) {
        const next = guard(ctx, out, value, position, () => accumulator(acc, value, position));
        if (next === failed) return;
        acc = next;
        ctx.stats.out++;
        out.next(acc);
      },
    };
  });
}
