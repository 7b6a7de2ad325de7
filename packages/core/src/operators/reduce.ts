import type { NodeOptions, Transformer } from '../contracts.js';
import { requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { failed, guard } from './internal/guard.js';

/** Options of {@link reduce}. */
export interface ReduceOptions extends NodeOptions {
  /**
   * `final` (default): one value when the input ends (emitted before EndOfStream).
   * `rolling`: the accumulator after every item, Flink's rolling aggregation.
   */
  readonly emit?: 'final' | 'rolling';
}

/**
 * Folds the stream into an accumulator. With `emit: 'final'` the result is
 * emitted once, just before EndOfStream (nothing is emitted when the input
 * fails or is cancelled); with `emit: 'rolling'` after every item. A throwing
 * reducer goes through the error strategy (a skipped item leaves the
 * accumulator unchanged).
 *
 * When to use: totals at the end of a bounded input; per-key totals come from
 * {@link groupBy}. To fold into the run's result instead, use the `reduceTo` consumer.
 *
 * @example
 * ```ts
 * pipeline().from(range(1, 4)).pipe(reduce((sum, x) => sum + x, 0)).to(collect()); // [10]
 * ```
 * @see {@link scan}, {@link reduceTo}, {@link groupBy}
 */
export function reduce<T, A>(reducer: (acc: A, item: T, position: number) => A, seed: A, options: ReduceOptions = {}): Transformer<T, A> {
  requireFunction('reduce', 'reducer', reducer);
  const rolling = (options.emit ?? 'final') === 'rolling';
  return defineTransformer<T, A>('reduce', { reducer, emit: rolling ? 'rolling' : 'final' }, options, (out, ctx) => {
    let acc = seed;
    let ended = false;
    const emitFinal = () => {
      if (rolling || ended) return;
      ended = true;
      ctx.stats.out++;
      out.next(acc);
    };
    return {
      item(value, position) {
        const next = guard(ctx, out, value, position, () => reducer(acc, value, position));
        if (next === failed) return;
        acc = next;
        if (rolling) {
          ctx.stats.out++;
          out.next(acc);
        }
      },
      signal(s) {
        if (s.kind === 'end') emitFinal();
        out.next(s);
      },
      complete() {
        emitFinal();
        out.complete();
      },
    };
  });
}
