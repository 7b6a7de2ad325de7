import type { NodeOptions, Producer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import { defineProducer } from '../internal/defineProducer.js';

/**
 * Emits the values of an async iterable (an async generator, a Node readable
 * stream, a web ReadableStream's iterator…). It asks for the next value only when
 * there is credit, so a slow pipeline slows the iterable down.
 *
 * @example
 * ```ts
 * async function* ticks() { for (let i = 0; i < 3; i++) yield i; }
 * await pipeline().from(fromAsyncIterable(ticks())).to(collect()).run(); // [0, 1, 2]
 * ```
 * @see {@link fromIterable}, {@link fromObservable}
 */
export function fromAsyncIterable<T>(iterable: AsyncIterable<T>, options?: NodeOptions): Producer<T> {
  if (iterable === null || typeof (iterable as { [Symbol.asyncIterator]?: unknown })?.[Symbol.asyncIterator] !== 'function') {
    throw new InvalidArgumentError(
      `fromAsyncIterable: \`iterable\` must be async iterable, got ${iterable === null ? 'null' : typeof iterable}`,
    );
  }
  return defineProducer<T>('fromAsyncIterable', {}, options, (ctx) => {
    const iterator = iterable[Symbol.asyncIterator]();
    let done = false;
    // A pending next() must not keep a drained or cancelled run waiting.
    const stopped = new Promise<'stopped'>((resolve) => {
      if (ctx.signal.aborted) resolve('stopped');
      else ctx.signal.addEventListener('abort', () => resolve('stopped'), { once: true });
    });
    return {
      async pull(emit, demand) {
        for (let i = 0; i < demand; i++) {
          const r = await Promise.race([iterator.next(), stopped]);
          if (r === 'stopped') return true;
          if (r.done) {
            done = true;
            return false;
          }
          emit(r.value);
          if (ctx.signal.aborted) return true;
        }
        return true;
      },
      async close() {
        if (!done) void iterator.return?.()?.catch?.(() => undefined);
      },
    };
  });
}
