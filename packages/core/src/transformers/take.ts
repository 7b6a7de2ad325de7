import type { NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { endOfStream, isEndOfStream } from '../signals.js';

/**
 * Emits the first `count` data items, then ends the stream (an EndOfStream
 * signal, then completion); the run then stops its sources.
 *
 * @example
 * ```ts
 * pipeline().from(interval(1000)).pipe(take(3)).to(collect()); // [0, 1, 2]
 * ```
 * @see {@link filter}
 */
export function take<T>(count: number, options?: NodeOptions): Transformer<T, T> {
  if (!(Number.isInteger(count) && count >= 0)) {
    throw new InvalidArgumentError(`take: \`count\` must be a non-negative integer, got ${String(count)}`);
  }
  return defineTransformer<T, T>('take', { count }, options, (out, ctx) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      out.next(endOfStream);
      out.complete();
    };
    if (count === 0) finish();
    return {
      item(value) {
        if (done) return;
        ctx.stats.out++;
        out.next(value);
        if (ctx.stats.out >= count) finish();
      },
      signal(s) {
        // Our own end-of-stream is emitted once, by finish().
        if (isEndOfStream(s)) finish();
        else if (!done) out.next(s);
      },
      complete: finish,
    };
  });
}
