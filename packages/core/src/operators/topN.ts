import type { NodeOptions, Transformer } from '../contracts.js';
import { defineTransformer } from '../internal/define.js';
import { failed } from './internal/guard.js';
import { Heap, type Keyed, keyItem, positiveInt, resolveOrder, type SortOrder } from './internal/sorting.js';

/** Options of {@link topN}. */
export interface TopNOptions<T, K> extends SortOrder<T, K>, NodeOptions {
  /** `end` (default): one result at the end of input. `watermark`: a result (then a reset) at every watermark, i.e. per event-time window. */
  readonly per?: 'end' | 'watermark';
}

/**
 * The first `n` items in sort order (ascending by default: the n smallest;
 * `descending: true` for the n largest), emitted as one sorted array. Memory
 * is `n` items (a heap), whatever the input size. Ties keep arrival order.
 *
 * @example
 * ```ts
 * pipeline().from(scores).pipe(topN(3, { key: (s) => s.points, descending: true })).to(collect()); // [[best, second, third]]
 * ```
 * @see {@link sortBuffer}, {@link externalSort}
 */
export function topN<T, K = T>(n: number, options: TopNOptions<T, K> = {}): Transformer<T, T[]> {
  positiveInt('topN', 'n', n);
  const order = resolveOrder<T>('topN', options as SortOrder<T, unknown>);
  const per = options.per ?? 'end';
  return defineTransformer<T, T[]>('topN', { n, per, key: options.key, compare: options.compare, descending: options.descending }, options, (out, ctx) => {
    type E = Keyed<T> & { seq: number };
    // Max-heap of the kept items (the worst on top), so a better newcomer replaces it.
    const worse = (x: E, y: E) => {
      const c = order.cmp(x.k, y.k);
      return c > 0 || (c === 0 && x.seq > y.seq);
    };
    let heap = new Heap<E>(worse);
    let seq = 0;
    let emitted = false;
    const emit = () => {
      const items = heap.toArray().sort((a, b) => (worse(a, b) ? 1 : -1));
      heap = new Heap<E>(worse);
      ctx.stats.out++;
      out.next(items.map((e) => e.v));
    };
    const fail = (e: unknown, item: unknown, position: number): void => {
      const d = ctx.fail(e, item, position, 1);
      if (d.action === 'stop') out.error(d.error);
    };
    return {
      item(value, position) {
        const k = keyItem(ctx, out, order, value, position);
        if (k === failed) return;
        const e: E = { ...k, seq: seq++ };
        try {
          if (heap.size < n) heap.push(e);
          else if (worse(heap.peek()!, e)) heap.replaceTop(e);
        } catch (err) {
          fail(err, value, position);
        }
      },
      signal(s) {
        if ((per === 'watermark' && s.kind === 'watermark' && heap.size > 0) || (s.kind === 'end' && !emitted)) {
          emitted = s.kind === 'end';
          emit();
        }
        out.next(s);
      },
    };
  });
}
