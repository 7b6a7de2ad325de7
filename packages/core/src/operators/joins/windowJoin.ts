import type { NodeOptions } from '../../contracts.js';
import { InvalidArgumentError } from '../../errors.js';
import type { MultiPortTransformer } from '../../graph/model.js';
import { defineFanIn } from '../../routing/internal/ports.js';
import { failed } from '../internal/guard.js';
import { checkSide, type JoinSide, readSide } from '../internal/joinSide.js';

/** Which pairs a {@link windowJoin} emits. */
export type WindowJoinType = 'inner' | 'left' | 'full';

/** One result of a {@link windowJoin}: the pair (a side is undefined for outer rows) and its window. */
export interface WindowJoinResult<L, R> {
  /** Item from the left input, or undefined for an unmatched right item of a `full` join. */
  readonly left: L | undefined;
  /** Item from the right input, or undefined for an unmatched left item of a `left` or `full` join. */
  readonly right: R | undefined;
  /** Window bounds in ms, start inclusive, end exclusive. */
  readonly window: { readonly start: number; readonly end: number };
}

/** Options of {@link windowJoin}. */
export interface WindowJoinOptions<L, R, K> extends NodeOptions {
  /** Left input: its join key and event-time timestamp (ms since the epoch) per item. */
  readonly left: JoinSide<L, K> & { readonly timestamp: (item: L) => number };
  /** Right input: its join key and event-time timestamp (ms since the epoch) per item. */
  readonly right: JoinSide<R, K> & { readonly timestamp: (item: R) => number };
  /** Tumbling event-time window size in ms (windows [k·size, (k+1)·size), like Flink's). */
  readonly sizeMs: number;
  /** `inner` (default): matched pairs only; `left`: plus unmatched left items; `full`: plus unmatched items of both sides. */
  readonly type?: WindowJoinType;
}

interface Cell<L, R> {
  readonly l: L[];
  readonly r: R[];
}

/**
 * Windowed stream-stream join (Flink `join().window(Tumbling…)`): items of both
 * sides are assigned to tumbling event-time windows; when the combined
 * watermark passes a window's end, the window emits, per key, every matching
 * (left, right) pair, and for `left`/`full` joins the unmatched items with
 * `undefined` on the other side. Open windows are emitted before EndOfStream.
 * Items for a window that already fired are late: dropped and counted as
 * skipped. Memory is the items of the open windows. Inputs are ports `left`
 * and `right`; signals are aligned as in `merge`.
 *
 * Bad input: an item without a key or timestamp fails through the error
 * strategy naming `windowJoin` and the item position.
 *
 * @example
 * ```ts
 * graph().source('clicks', clicks).source('views', views)
 *   .node('j', windowJoin({ left: { key: (c) => c.ad, timestamp: (c) => c.ts }, right: { key: (v) => v.ad, timestamp: (v) => v.ts }, sizeMs: 60_000, type: 'left' }))
 *   .connect('clicks', 'j.left').connect('views', 'j.right');
 * ```
 * @see {@link intervalJoin}, {@link lookupJoin}
 */
export function windowJoin<L, R, K>(options: WindowJoinOptions<L, R, K>): MultiPortTransformer<{ left: L; right: R }, { out: WindowJoinResult<L, R> }> {
  checkSide('windowJoin', 'left', options?.left as JoinSide<unknown, unknown>, true);
  checkSide('windowJoin', 'right', options.right as JoinSide<unknown, unknown>, true);
  const size = options.sizeMs;
  if (!(size > 0 && Number.isFinite(size))) throw new InvalidArgumentError(`windowJoin: \`sizeMs\` must be a positive number, got ${String(size)}`);
  const type = options.type ?? 'inner';
  if (!['inner', 'left', 'full'].includes(type)) throw new InvalidArgumentError(`windowJoin: \`type\` must be inner, left or full, got ${String(type)}`);
  return defineFanIn<{ left: L; right: R }, WindowJoinResult<L, R>>('windowJoin', { sizeMs: size, type }, ['left', 'right'], options, (out, ctx) => {
    const windows = new Map<number, Map<K, Cell<L, R>>>();
    let firedUpTo = -Infinity;
    const emit = (left: L | undefined, right: R | undefined, start: number) => {
      ctx.stats.out++;
      out.next({ left, right, window: { start, end: start + size } });
    };
    const fire = (upTo: number) => {
      const due = [...windows.keys()].filter((s) => s + size <= upTo).sort((a, b) => a - b);
      for (const start of due) {
        for (const cell of windows.get(start)!.values()) {
          for (const l of cell.l) {
            for (const r of cell.r) emit(l, r, start);
            if (cell.r.length === 0 && type !== 'inner') emit(l, undefined, start);
          }
          if (type === 'full' && cell.l.length === 0) for (const r of cell.r) emit(undefined, r, start);
        }
        windows.delete(start);
      }
      if (upTo > firedUpTo) firedUpTo = upTo;
    };
    return {
      item(port, value, position) {
        const side = port === 0 ? options.left : options.right;
        const r = readSide(ctx, out, side as JoinSide<unknown, K>, port === 0 ? 'left' : 'right', value, position, true);
        if (r === failed) return;
        const start = r.ts - (((r.ts % size) + size) % size);
        if (start + size <= firedUpTo) {
          ctx.stats.skipped++;
          return;
        }
        let w = windows.get(start);
        if (!w) windows.set(start, (w = new Map()));
        let cell = w.get(r.k);
        if (!cell) w.set(r.k, (cell = { l: [], r: [] }));
        if (port === 0) cell.l.push(value as L);
        else cell.r.push(value as R);
      },
      signal(s) {
        if (s.kind === 'watermark') fire(s.timestamp);
        else if (s.kind === 'end') fire(Infinity);
        out.next(s);
      },
      complete() {
        fire(Infinity);
        out.complete();
      },
    };
  });
}
