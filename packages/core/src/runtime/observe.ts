/** Exposes a run as a cold Observable of its data items. */
import { Observable } from 'rxjs';
import type { Consumer } from '../contracts.js';
import { PipelineAbortedError } from '../errors.js';
import { describeNode } from '../internal/describe.js';
import { isSignal } from '../signals.js';

/** @internal */
export function observeRun<T>(start: (sink: Consumer<T, void>, signal: AbortSignal) => Promise<unknown>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    const sink: Consumer<T, void> = {
      descriptor: describeNode('consumer', 'observe', {}, undefined),
      consume: (input, ctx) =>
        new Promise<void>((resolve, reject) => {
          const sub = input.subscribe({
            next(el) {
              if (isSignal(el)) return;
              ctx.stats.in++;
              subscriber.next(el);
            },
            error: reject,
            complete: () => resolve(),
          });
          ctx.signal.addEventListener('abort', () => {
            sub.unsubscribe();
            reject(new PipelineAbortedError(ctx.signal.reason));
          });
        }),
    };
    start(sink, controller.signal).then(
      () => subscriber.complete(),
      (e: unknown) => {
        if (!controller.signal.aborted) subscriber.error(e);
      },
    );
    return () => controller.abort();
  });
}
