import type { NodeOptions, Producer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import { defineProducer } from '../internal/defineProducer.js';

/**
 * Emits `count` consecutive integers starting at `start`. Replayable (its
 * position is the next number). `count` may be Infinity.
 *
 * @example
 * ```ts
 * await pipeline().from(range(1, 3)).to(collect()).run(); // [1, 2, 3]
 * ```
 * @see {@link fromArray}, {@link interval}
 */
export function range(start: number, count: number, options?: NodeOptions): Producer<number> {
  if (!Number.isFinite(start)) throw new InvalidArgumentError(`range: \`start\` must be a finite number, got ${String(start)}`);
  if (!(count === Infinity || (Number.isInteger(count) && count >= 0))) {
    throw new InvalidArgumentError(`range: \`count\` must be a non-negative integer or Infinity, got ${String(count)}`);
  }
  const end = start + count;
  return defineProducer<number>('range', { start, count }, options, () => {
    let next = start;
    return {
      pull(emit, demand) {
        const stop = Math.min(end, next + demand);
        while (next < stop) emit(next++);
        return next < end;
      },
      position: () => next,
      seek(position) {
        next = Number(position);
      },
    };
  });
}
