/** Fault injection: a pass-through transformer that fails on chosen items. */
import { defineTransformer, InvalidArgumentError, type NodeOptions, type Transformer } from '@streamweave/core';

/** Options of {@link failAt}. */
export interface FailAtOptions extends NodeOptions {
  /** How many attempts at that item fail before it passes (default: every attempt). */
  readonly times?: number;
}

/**
 * Passes data through unchanged but throws `error` on the item at zero-based
 * `position` (the same numbering as `StreamWeaveError.position`). The failure goes
 * through the node's error strategy like a real operator's: stop fails the run,
 * skip/deadLetter drop the item, retry tries it again at once. With `times`, only
 * the first `times` attempts fail, which tests retry strategies.
 *
 * @example
 * ```ts
 * const out = await runOperator(failAt(1), [10, 20, 30], { errors: onError.skip() });
 * out.data; // [10, 30]
 * ```
 * @see {@link flakyAsync}, {@link slowConsumer}, {@link throwOnClose}
 */
export function failAt<T>(position: number, error: unknown = new Error(`failAt: injected failure at item #${position}`), options: FailAtOptions = {}): Transformer<T, T> {
  if (!(Number.isInteger(position) && position >= 0)) {
    throw new InvalidArgumentError(`failAt: \`position\` must be a non-negative integer, got ${String(position)}`);
  }
  const times = options.times ?? Infinity;
  if (!(times === Infinity || (Number.isInteger(times) && times >= 0))) {
    throw new InvalidArgumentError(`failAt: \`times\` must be a non-negative integer, got ${String(times)}`);
  }
  return defineTransformer<T, T>('failAt', { position, times }, options, (out, ctx) => {
    let failures = 0;
    return {
      item(value, index) {
        if (index !== position) {
          ctx.stats.out++;
          out.next(value);
          return;
        }
        for (let attempt = 1; ; attempt++) {
          if (failures >= times) {
            ctx.stats.out++;
            out.next(value);
            return;
          }
          failures++;
          const d = ctx.fail(error, value, index, attempt);
          if (d.action === 'stop') {
            out.error(d.error);
            return;
          }
          if (d.action !== 'retry') return;
        }
      },
    };
  });
}
