import type { Consumer, NodeOptions } from '../contracts.js';
import { requireFunction } from '../errors.js';
import { defineConsumer } from '../internal/define.js';

/**
 * Calls `fn` for every data item. When `fn` returns a promise, items are handled
 * one at a time, in order, and the source slows down to the consumer's pace
 * (each waiting item holds one backpressure credit). Resolves with the number of
 * items handled.
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(rows)).to(forEach(async (row) => db.insert(row))).run();
 * ```
 * @see {@link collect}
 */
export function forEach<T>(fn: (item: T, position: number) => void | Promise<void>, options?: NodeOptions): Consumer<T, number> {
  requireFunction('forEach', 'fn', fn);
  return defineConsumer<T, number>('forEach', { fn }, options, () => {
    let handled = 0;
    return {
      item(value, position) {
        const r = fn(value as T, position);
        if (r instanceof Promise) return r.then(() => void handled++);
        handled++;
        return undefined;
      },
      complete: () => handled,
    };
  });
}
