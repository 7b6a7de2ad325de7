import type { NodeOptions, Producer } from '../contracts.js';
import { InvalidArgumentError, StreamWeaveError } from '../errors.js';
import { defineProducer } from '../internal/defineProducer.js';

/**
 * Emits the items of an array, in order. Replayable: its position is the index
 * of the next item, so a restored run continues where the checkpoint was taken.
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(['a', 'b'])).to(collect()).run(); // result: ['a', 'b']
 * ```
 * @see {@link fromIterable}, {@link range}
 */
export function fromArray<T>(items: readonly T[], options?: NodeOptions): Producer<T> {
  if (!Array.isArray(items)) {
    throw new InvalidArgumentError(`fromArray: \`items\` must be an array, got ${items === null ? 'null' : typeof items}`);
  }
  return defineProducer<T>('fromArray', { length: items.length }, options, (ctx) => {
    let index = 0;
    return {
      pull(emit, demand) {
        const end = Math.min(items.length, index + demand);
        while (index < end) emit(items[index++] as T);
        return index < items.length;
      },
      position: () => index,
      seek(position) {
        if (typeof position !== 'number' || !Number.isInteger(position) || position < 0 || position > items.length) {
          throw new StreamWeaveError(`cannot seek to ${JSON.stringify(position)} (array length ${items.length})`, {
            component: ctx.component,
          });
        }
        index = position;
      },
    };
  });
}
