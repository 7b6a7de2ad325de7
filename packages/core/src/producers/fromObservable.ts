import type { Observable, Unsubscribable } from 'rxjs';
import type { NodeOptions, Producer } from '../contracts.js';
import { InvalidArgumentError, StreamWeaveError } from '../errors.js';
import { defineProducer } from '../internal/defineProducer.js';

/** What {@link fromObservable} does when its buffer is full. */
export type OverflowPolicy = 'error' | 'dropOldest' | 'dropNewest';

/** Options of {@link fromObservable}. */
export interface FromObservableOptions extends NodeOptions {
  /** Items buffered while the pipeline has no credit (default 10 000). */
  readonly bufferSize?: number;
  /** When the buffer is full: fail the run (default), drop the oldest or the newest item (counted as skipped). */
  readonly overflow?: OverflowPolicy;
}

/**
 * Emits the values of an RxJS Observable. An Observable cannot be paused, so
 * values that arrive while the pipeline has no credit wait in a bounded buffer;
 * when it is full, the overflow policy applies (never an unbounded queue).
 *
 * @example
 * ```ts
 * await pipeline().from(fromObservable(of(1, 2, 3))).to(collect()).run(); // [1, 2, 3]
 * ```
 * @see {@link fromAsyncIterable} for sources that can be paused.
 */
export function fromObservable<T>(observable: Observable<T>, options: FromObservableOptions = {}): Producer<T> {
  if (observable === null || typeof (observable as { subscribe?: unknown })?.subscribe !== 'function') {
    throw new InvalidArgumentError(`fromObservable: \`observable\` must have subscribe(), got ${observable === null ? 'null' : typeof observable}`);
  }
  const bufferSize = options.bufferSize ?? 10_000;
  const overflow = options.overflow ?? 'error';
  return defineProducer<T>('fromObservable', { bufferSize, overflow }, options, (ctx) => {
    const buffer: T[] = [];
    let completed = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const subscription: Unsubscribable = observable.subscribe({
      next(value) {
        if (buffer.length >= bufferSize) {
          if (overflow === 'dropNewest') {
            ctx.stats.skipped++;
            return;
          }
          if (overflow === 'dropOldest') {
            buffer.shift();
            ctx.stats.skipped++;
          } else if (failure === undefined) {
            failure = new StreamWeaveError(`buffer of ${bufferSize} items overflowed: the observable emits faster than the pipeline consumes`, {
              component: ctx.component,
            });
          }
        }
        if (failure === undefined) buffer.push(value);
        notify();
      },
      error(e: unknown) {
        failure = e;
        notify();
      },
      complete() {
        completed = true;
        notify();
      },
    });
    ctx.signal.addEventListener('abort', notify, { once: true });
    return {
      pull(emit, demand) {
        if (failure !== undefined) {
          const f = failure;
          failure = undefined;
          completed = true;
          throw f;
        }
        let n = 0;
        while (n < demand && buffer.length > 0) {
          emit(buffer.shift() as T);
          n++;
        }
        if (buffer.length > 0) return true;
        if (completed) return false;
        if (n > 0 || ctx.signal.aborted) return true;
        return new Promise<boolean>((resolve) => {
          wake = () => resolve(true);
        });
      },
      close() {
        subscription.unsubscribe();
      },
    };
  });
}
