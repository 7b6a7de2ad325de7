import type { NodeOptions, Producer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import { defineProducer } from '../internal/defineProducer.js';

/**
 * Emits the values of a synchronous iterable (a generator, a Set, a Map's entries…),
 * pulling only as many as there is credit for. Infinite iterables are fine.
 *
 * @example
 * ```ts
 * function* naturals() { let n = 0; while (true) yield n++; }
 * await pipeline().from(fromIterable(naturals())).pipe(take(3)).to(collect()).run(); // [0, 1, 2]
 * ```
 * @see {@link fromAsyncIterable}, {@link fromArray}
 */
export function fromIterable<T>(iterable: Iterable<T>, options?: NodeOptions): Producer<T> {
  if (iterable === null || typeof (iterable as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== 'function') {
    throw new InvalidArgumentError(`fromIterable: \`iterable\` must be iterable, got ${iterable === null ? 'null' : typeof iterable}`);
  }
  return defineProducer<T>('fromIterable', {}, options, () => {
    const iterator = iterable[Symbol.iterator]();
    let done = false;
    return {
      pull(emit, demand) {
        for (let i = 0; i < demand; i++) {
          const r = iterator.next();
          if (r.done) {
            done = true;
            return false;
          }
          emit(r.value);
        }
        return true;
      },
      close() {
        if (!done) iterator.return?.();
      },
    };
  });
}
