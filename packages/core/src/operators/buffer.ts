import type { NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError, requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { failed, guard } from './internal/guard.js';

/** Options of {@link buffer}. */
export interface BufferOptions extends NodeOptions {
  /** Emit the buffer when it holds this many items even if `closes` did not fire (default 10 000): keeps memory bounded. */
  readonly maxSize?: number;
}

/**
 * Collects items into an array until `closes(item, buffered)` returns true (the
 * closing item is included), like RxJS `bufferWhen` driven by the data itself.
 * The open buffer is emitted before any signal passes and at the end of input.
 *
 * When to use: grouping a record's continuation lines, a transaction's events up
 * to its commit marker.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray(['a', 'b', ';', 'c', ';'])).pipe(buffer((x) => x === ';')).to(collect());
 * // [['a', 'b', ';'], ['c', ';']]
 * ```
 * @see {@link chunk}, {@link batch}
 */
export function buffer<T>(closes: (item: T, buffered: readonly T[]) => boolean, options: BufferOptions = {}): Transformer<T, T[]> {
  requireFunction('buffer', 'closes', closes);
  const maxSize = options.maxSize ?? 10_000;
  if (!(Number.isInteger(maxSize) && maxSize > 0)) {
    throw new InvalidArgumentError(`buffer: \`maxSize\` must be a positive integer, got ${String(maxSize)}`);
  }
  return defineTransformer<T, T[]>('buffer', { closes, maxSize }, options, (out, ctx) => {
    let current: T[] = [];
    const flush = () => {
      if (current.length === 0) return;
      const b = current;
      current = [];
      ctx.stats.out++;
      out.next(b);
    };
    return {
      item(value, position) {
        current.push(value);
        const close = guard(ctx, out, value, position, () => closes(value, current));
        if (close === failed) {
          current.pop();
          return;
        }
        if (close || current.length >= maxSize) flush();
      },
      signal(s) {
        flush();
        out.next(s);
      },
      complete() {
        flush();
        out.complete();
      },
    };
  });
}
