import type { NodeOptions, Transformer } from '../contracts.js';
import { requirePositiveInteger } from '../errors.js';
import { defineTransformer } from '../internal/define.js';

/**
 * Count windows: every `slide` items, emits the last `size` items as an array
 * (`slide` defaults to `size`: tumbling). When the input ends, items no window
 * covered yet are emitted in a final window (the partial tumbling window, or the
 * last `size` items when sliding). Signals pass straight through; the buffered
 * items are not part of checkpoints (keyed, checkpointed windows live in
 * `@streamweave/windowing`).
 *
 * @example
 * ```ts
 * pipeline().from(range(1, 5)).pipe(countWindow(2)).to(collect());    // [[1, 2], [3, 4], [5]]
 * pipeline().from(range(1, 4)).pipe(countWindow(3, 2)).to(collect()); // [[1, 2, 3], [2, 3, 4]]
 * ```
 * @see {@link processingTimeWindow}, {@link batch}
 */
export function countWindow<T>(size: number, slide: number = size, options?: NodeOptions): Transformer<T, T[]> {
  requirePositiveInteger('countWindow', 'size', size);
  requirePositiveInteger('countWindow', 'slide', slide);
  return defineTransformer<T, T[]>('countWindow', { size, slide }, options, (out, ctx) => {
    let buffer: T[] = [];
    let sinceEmit = 0;
    let seen = 0;
    const emit = (w: T[]) => {
      ctx.stats.out++;
      out.next(w);
    };
    return {
      item(value) {
        buffer.push(value);
        if (buffer.length > size) buffer.shift();
        seen++;
        sinceEmit++;
        if (seen >= size && sinceEmit >= slide) {
          sinceEmit = 0;
          emit(buffer.slice());
        }
      },
      complete() {
        // Items that no emitted window covered yet: tumbling emits them as a partial
        // window; sliding emits the last `size` items once more so none is lost.
        const pending = sinceEmit;
        if (pending > 0) emit(slide === size ? buffer.slice(buffer.length - pending) : buffer.slice());
        buffer = [];
        out.complete();
      },
    };
  });
}
