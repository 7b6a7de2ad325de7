import type { NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import { defineTransformer } from '../internal/define.js';

/** Options of {@link chunk}. */
export interface ChunkOptions extends NodeOptions {
  /** Items between the starts of two chunks (default `size`: no overlap). `step < size` gives sliding chunks. */
  readonly step?: number;
}

/**
 * Count-based chunks of `size` items, tumbling or sliding (`step`), like RxJS
 * `bufferCount(size, step)`. The open chunks are emitted (possibly shorter)
 * before any signal passes and at the end, so items never move across a
 * watermark or barrier. Kept items are bounded by `size`.
 *
 * When to use: pairs/triples of neighbours (`chunk(2, { step: 1 })`), fixed-size
 * groups; for size-or-time batching use {@link batch}.
 *
 * @example
 * ```ts
 * pipeline().from(range(1, 4)).pipe(chunk(2, { step: 1 })).to(collect()); // [[1, 2], [2, 3], [3, 4], [4]]
 * ```
 * @see {@link batch}, {@link buffer}
 */
export function chunk<T>(size: number, options: ChunkOptions = {}): Transformer<T, T[]> {
  const step = options.step ?? size;
  if (!(Number.isInteger(size) && size > 0)) throw new InvalidArgumentError(`chunk: \`size\` must be a positive integer, got ${String(size)}`);
  if (!(Number.isInteger(step) && step > 0)) throw new InvalidArgumentError(`chunk: \`step\` must be a positive integer, got ${String(step)}`);
  return defineTransformer<T, T[]>('chunk', { size, step }, options, (out, ctx) => {
    let open: T[][] = [];
    let seen = 0;
    const flush = () => {
      for (const c of open) {
        ctx.stats.out++;
        out.next(c);
      }
      open = [];
      seen = 0;
    };
    return {
      item(value) {
        if (seen % step === 0) open.push([]);
        seen++;
        for (const c of open) c.push(value);
        if (open.length > 0 && open[0]!.length === size) {
          ctx.stats.out++;
          out.next(open.shift()!);
        }
      },
      signal(s) {
        flush();
        out.next(s);
      },
      complete() {
        flush();
        out.complete();
      },
    };
  });
}
