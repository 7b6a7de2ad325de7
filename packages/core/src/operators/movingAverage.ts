import type { NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError, requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { failed, guard } from './internal/guard.js';
import { numberOf } from './runningSum.js';

/** Options of {@link movingAverage}. */
export interface MovingAverageOptions<T> extends NodeOptions {
  /** The number to average (default: the item itself). */
  readonly value?: (item: T) => number;
}

/**
 * Simple moving average over the last `size` items: emits the mean of the window
 * after each item (over fewer items until the window fills). Memory is `size`
 * numbers; the sum is updated incrementally.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([2, 4, 6, 8])).pipe(movingAverage(2)).to(collect()); // [2, 3, 5, 7]
 * ```
 * @see {@link runningSum}
 */
export function movingAverage<T = number>(size: number, options: MovingAverageOptions<T> = {}): Transformer<T, number> {
  if (!(Number.isInteger(size) && size > 0)) {
    throw new InvalidArgumentError(`movingAverage: \`size\` must be a positive integer, got ${String(size)}`);
  }
  const get = options.value ?? ((x: T) => x as unknown as number);
  requireFunction('movingAverage', 'value', get);
  return defineTransformer<T, number>('movingAverage', { size, value: get }, options, (out, ctx) => {
    const ring = new Float64Array(size);
    let count = 0;
    let next = 0;
    let sum = 0;
    return {
      item(item, position) {
        const v = guard(ctx, out, item, position, () => numberOf('movingAverage', get(item)));
        if (v === failed) return;
        if (count === size) sum -= ring[next]!;
        else count++;
        ring[next] = v;
        sum += v;
        next = (next + 1) % size;
        ctx.stats.out++;
        out.next(sum / count);
      },
    };
  });
}
