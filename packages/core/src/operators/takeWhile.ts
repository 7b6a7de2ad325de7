import type { NodeOptions, Transformer } from '../contracts.js';
import { requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { endOfStream } from '../signals.js';
import { failed, guard } from './internal/guard.js';

/** Options of {@link takeWhile}. */
export interface TakeWhileOptions extends NodeOptions {
  /** Also emit the first item that fails the predicate (default false), like RxJS `inclusive`. */
  readonly inclusive?: boolean;
}

/**
 * Passes items while `predicate` holds, then ends the stream (EndOfStream, then
 * completion), so the run stops its sources. A throwing predicate goes through
 * the error strategy.
 *
 * @example
 * ```ts
 * pipeline().from(range(0, 10)).pipe(takeWhile((x) => x < 3)).to(collect()); // [0, 1, 2]
 * ```
 * @see {@link take}, {@link skipWhile}
 */
export function takeWhile<T>(predicate: (item: T, position: number) => boolean, options: TakeWhileOptions = {}): Transformer<T, T> {
  requireFunction('takeWhile', 'predicate', predicate);
  const inclusive = options.inclusive ?? false;
  return defineTransformer<T, T>('takeWhile', { predicate, inclusive }, options, (out, ctx) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      out.next(endOfStream);
      out.complete();
    };
    return {
      item(value, position) {
        if (done) return;
        const ok = guard(ctx, out, value, position, () => predicate(value, position));
        if (ok === failed) return;
        if (ok || inclusive) {
          ctx.stats.out++;
          out.next(value);
        }
        if (!ok) finish();
      },
      signal(s) {
        if (s.kind === 'end') finish();
        else if (!done) out.next(s);
      },
      complete: finish,
    };
  });
}
