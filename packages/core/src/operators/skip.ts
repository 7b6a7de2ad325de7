import type { NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import { defineTransformer } from '../internal/define.js';

/**
 * Drops the first `count` data items and passes the rest. Signals always pass.
 *
 * When to use: skipping a header row, a warm-up period, or items already processed.
 *
 * @example
 * ```ts
 * pipeline().from(range(0, 5)).pipe(skip(2)).to(collect()); // [2, 3, 4]
 * ```
 * @see {@link take}, {@link skipWhile}
 */
export function skip<T>(count: number, options?: NodeOptions): Transformer<T, T> {
  if (!(Number.isInteger(count) && count >= 0)) {
    throw new InvalidArgumentError(`skip: \`count\` must be a non-negative integer, got ${String(count)}`);
  }
  return defineTransformer<T, T>('skip', { count }, options, (out, ctx) => ({
    item(value, position) {
      if (position < count) return;
      ctx.stats.out++;
      out.next(value);
    },
  }));
}
