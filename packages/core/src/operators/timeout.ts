import type { Cancel } from '../clock.js';
import type { NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError, StreamWeaveError } from '../errors.js';
import { defineTransformer } from '../internal/define.js';

/** Raised by {@link timeout} when the input stays silent too long. */
export class TimeoutError extends StreamWeaveError {
  /** Error name, always `'TimeoutError'`. */
  override readonly name = 'TimeoutError';
}

/** Options of {@link timeout}. */
export interface TimeoutOptions extends NodeOptions {
  /** `each` (default): the gap between two data items (and before the first). `first`: only until the first item. */
  readonly mode?: 'each' | 'first';
}

/**
 * Fails the stream with a {@link TimeoutError} naming the component when no data
 * item arrives within `ms` (run's clock). Signals do not reset the timer: a
 * stream of watermarks alone is still silent.
 *
 * @example
 * ```ts
 * pipeline().from(sensor).pipe(timeout(30_000)).to(sink); // fails after 30 s without a reading
 * ```
 * @see {@link debounce}
 */
export function timeout<T>(ms: number, options: TimeoutOptions = {}): Transformer<T, T> {
  if (!(ms > 0 && Number.isFinite(ms))) throw new InvalidArgumentError(`timeout: \`ms\` must be a positive number, got ${String(ms)}`);
  const mode = options.mode ?? 'each';
  return defineTransformer<T, T>('timeout', { ms, mode }, options, (out, ctx) => {
    let cancel: Cancel | undefined;
    const arm = () => {
      cancel?.();
      cancel = ctx.clock.schedule(() => {
        out.error(new TimeoutError(`no item within ${ms} ms`, { component: ctx.component, position: ctx.stats.in }));
      }, ms);
    };
    arm();
    return {
      item(value) {
        if (mode === 'each') arm();
        else {
          cancel?.();
          cancel = undefined;
        }
        ctx.stats.out++;
        out.next(value);
      },
      signal(s) {
        if (s.kind === 'end') cancel?.();
        out.next(s);
      },
      complete() {
        cancel?.();
        out.complete();
      },
      teardown: () => cancel?.(),
    };
  });
}
