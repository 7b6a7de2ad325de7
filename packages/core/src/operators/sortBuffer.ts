import type { NodeOptions, Transformer } from '../contracts.js';
import { defineTransformer } from '../internal/define.js';
import { failed } from './internal/guard.js';
import { type Keyed, keyItem, positiveInt, resolveOrder, type SortOrder, sortKeyed } from './internal/sorting.js';

/** Options of {@link sortBuffer}. */
export interface SortBufferOptions<T, K> extends SortOrder<T, K>, NodeOptions {
  /** Items sorted together at most (default 10 000): the memory bound. When full, the sorted buffer is emitted. */
  readonly size?: number;
}

/**
 * Sorts within a bounded buffer: items are collected and emitted sorted when
 * the buffer is full, and before every signal passes (so each span between two
 * watermarks or barriers — a "window" — comes out sorted, and nothing moves
 * across a signal). Memory is bounded by `size`; the output is totally sorted
 * only when the input fits one buffer (see {@link externalSort} for that).
 *
 * Bad input: an item whose `key` is undefined or throws goes through the error
 * strategy naming `sortBuffer` and the item position; a throwing comparator too
 * (under skip, that buffer keeps arrival order).
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([3, 1, 2])).pipe(sortBuffer()).to(collect()); // [1, 2, 3]
 * pipeline().from(events).pipe(sortBuffer({ key: (e) => e.ts, size: 1000 })).to(sink); // per-watermark sorted
 * ```
 * @see {@link externalSort}, {@link topN}
 */
export function sortBuffer<T, K = T>(options: SortBufferOptions<T, K> = {}): Transformer<T, T> {
  const order = resolveOrder<T>('sortBuffer', options as SortOrder<T, unknown>);
  const size = positiveInt('sortBuffer', 'size', options.size ?? 10_000);
  return defineTransformer<T, T>('sortBuffer', { size, key: options.key, compare: options.compare, descending: options.descending }, options, (out, ctx) => {
    let buf: Keyed<T>[] = [];
    const flush = () => {
      if (buf.length === 0) return;
      const b = buf;
      buf = [];
      if (!sortKeyed(ctx, out, order, b)) return;
      for (const e of b) {
        ctx.stats.out++;
        out.next(e.v);
      }
    };
    return {
      item(value, position) {
        const e = keyItem(ctx, out, order, value, position);
        if (e === failed) return;
        buf.push(e);
        if (buf.length >= size) flush();
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
