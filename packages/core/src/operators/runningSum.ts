import type { NodeOptions, Transformer } from '../contracts.js';
import { requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { failed, guard } from './internal/guard.js';

/**
 * Running total of the items (or of `value(item)`): emits the sum so far after
 * each item. Sums with Kahan compensation so long streams of floats do not drift.
 * Keyed, checkpointable totals come with the state package.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([1, 2, 3])).pipe(runningSum()).to(collect()); // [1, 3, 6]
 * ```
 * @see {@link movingAverage}, {@link scan}
 */
export function runningSum<T = number>(value?: (item: T) => number, options?: NodeOptions): Transformer<T, number> {
  const get = value ?? ((x: T) => x as unknown as number);
  requireFunction('runningSum', 'value', get);
  return defineTransformer<T, number>('runningSum', { value: get }, options, (out, ctx) => {
    let sum = 0;
    let c = 0;
    return {
      item(item, position) {
        const v = guard(ctx, out, item, position, () => numberOf('runningSum', get(item)));
        if (v === failed) return;
        const y = v - c;
        const t = sum + y;
        c = t - sum - y;
        sum = t;
        ctx.stats.out++;
        out.next(sum);
      },
    };
  });
}

/** Checks a helper got a finite number. @internal */
export function numberOf(op: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${op} expects a number, got ${typeof v === 'number' ? 'NaN' : typeof v}`);
  return v;
}
