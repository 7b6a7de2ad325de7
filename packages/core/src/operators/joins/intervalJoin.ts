import type { NodeOptions } from '../../contracts.js';
import { InvalidArgumentError } from '../../errors.js';
import type { MultiPortTransformer } from '../../graph/model.js';
import { defineFanIn } from '../../routing/internal/ports.js';
import { failed } from '../internal/guard.js';
import { checkSide, type JoinSide, readSide } from '../internal/joinSide.js';

/** A matched pair of an {@link intervalJoin} or {@link windowJoin}. */
export interface JoinedPair<L, R> {
  /** Item from the left input. */
  readonly left: L;
  /** Item from the right input. */
  readonly right: R;
}

/** Options of {@link intervalJoin}. */
export interface IntervalJoinOptions<L, R, K> extends NodeOptions {
  /** Key and event time of left items (`a`). */
  readonly left: JoinSide<L, K> & { readonly timestamp: (item: L) => number };
  /** Key and event time of right items (`b`). */
  readonly right: JoinSide<R, K> & { readonly timestamp: (item: R) => number };
  /** b may be this many ms before a (x in [a − x, a + y]; default 0). */
  readonly lowerMs?: number;
  /** b may be this many ms after a (y in [a − x, a + y]; default 0). */
  readonly upperMs?: number;
}

interface Entry<T> {
  readonly ts: number;
  readonly v: T;
}

interface KeyList<T> {
  items: Entry<T>[];
  head: number;
}

/**
 * One side's buffered items: per key a list sorted by timestamp (matches are a
 * binary search plus a range scan), and one arrival-ordered log of (ts, key)
 * so a watermark prunes exactly the expired entries without visiting every key.
 */
class SideState<K, T> {
  private readonly byKey = new Map<K, KeyList<T>>();
  private log: Array<{ ts: number; k: K }> = [];
  private logHead = 0;

  add(k: K, ts: number, v: T): void {
    let list = this.byKey.get(k);
    if (!list) this.byKey.set(k, (list = { items: [], head: 0 }));
    const items = list.items;
    if (items.length === list.head || items[items.length - 1]!.ts <= ts) items.push({ ts, v });
    else items.splice(lowerBound(items, list.head, ts), 0, { ts, v });
    this.log.push({ ts, k });
  }

  scan(k: K, lo: number, hi: number, each: (v: T) => void): void {
    const list = this.byKey.get(k);
    if (!list) return;
    const items = list.items;
    for (let i = lowerBound(items, list.head, lo); i < items.length && items[i]!.ts <= hi; i++) each(items[i]!.v);
  }

  /** Drops entries older than `minTs`. Out-of-order arrivals may stay a little longer; scans bound by time anyway. */
  prune(minTs: number): void {
    const log = this.log;
    while (this.logHead < log.length && log[this.logHead]!.ts < minTs) {
      const { k } = log[this.logHead++]!;
      const list = this.byKey.get(k)!;
      // The key's oldest entry is no newer than this log entry, so it has expired too.
      list.head++;
      if (list.head === list.items.length) this.byKey.delete(k);
      else if (list.head > 64 && list.head * 2 > list.items.length) {
        list.items = list.items.slice(list.head);
        list.head = 0;
      }
    }
    if (this.logHead > 1024 && this.logHead * 2 > log.length) {
      this.log = log.slice(this.logHead);
      this.logHead = 0;
    }
  }
}

/**
 * Event-time interval join (Flink `intervalJoin`): emits `{ left: a, right: b }`
 * for every a and b with equal keys and `a.ts − lowerMs ≤ b.ts ≤ a.ts + upperMs`,
 * as soon as the second of the two arrives. Watermarks clean the state: once
 * the combined watermark passes `a.ts + upperMs` no b can still match a, so a
 * is dropped (and b once it passes `b.ts + lowerMs`); memory is bounded by the
 * items within the interval of the watermark. Inputs are ports `left` and
 * `right`; signals are aligned as in `merge`.
 *
 * Bad input: an item without a key or timestamp fails through the error
 * strategy naming `intervalJoin` and the item position.
 *
 * @example
 * ```ts
 * // payments within 10 minutes after their order
 * graph().source('orders', orders).source('payments', payments)
 *   .node('j', intervalJoin({ left: { key: (o) => o.id, timestamp: (o) => o.ts }, right: { key: (p) => p.orderId, timestamp: (p) => p.ts }, upperMs: 600_000 }))
 *   .connect('orders', 'j.left').connect('payments', 'j.right');
 * ```
 * @see {@link windowJoin}, {@link lookupJoin}
 */
export function intervalJoin<L, R, K>(options: IntervalJoinOptions<L, R, K>): MultiPortTransformer<{ left: L; right: R }, { out: JoinedPair<L, R> }> {
  checkSide('intervalJoin', 'left', options?.left as JoinSide<unknown, unknown>, true);
  checkSide('intervalJoin', 'right', options.right as JoinSide<unknown, unknown>, true);
  const lower = options.lowerMs ?? 0;
  const upper = options.upperMs ?? 0;
  if (!(Number.isFinite(lower) && Number.isFinite(upper) && -lower <= upper)) {
    throw new InvalidArgumentError(`intervalJoin: need finite lowerMs/upperMs with −lowerMs ≤ upperMs, got ${String(lower)}, ${String(upper)}`);
  }
  return defineFanIn<{ left: L; right: R }, JoinedPair<L, R>>(
    'intervalJoin',
    { lowerMs: lower, upperMs: upper },
    ['left', 'right'],
    options,
    (out, ctx) => {
      const lefts = new SideState<K, L>();
      const rights = new SideState<K, R>();
      const emit = (left: L, right: R) => {
        ctx.stats.out++;
        out.next({ left, right });
      };
      return {
        item(port, value, position) {
          if (port === 0) {
            const a = value as L;
            const r = readSide(ctx, out, options.left, 'left', a, position, true);
            if (r === failed) return;
            rights.scan(r.k, r.ts - lower, r.ts + upper, (b) => emit(a, b));
            lefts.add(r.k, r.ts, a);
          } else {
            const b = value as R;
            const r = readSide(ctx, out, options.right, 'right', b, position, true);
            if (r === failed) return;
            // b matches a when a.ts − lower ≤ b.ts ≤ a.ts + upper, i.e. b.ts − upper ≤ a.ts ≤ b.ts + lower.
            lefts.scan(r.k, r.ts - upper, r.ts + lower, (a) => emit(a, b));
            rights.add(r.k, r.ts, b);
          }
        },
        signal(s) {
          if (s.kind === 'watermark') {
            const w = s.timestamp;
            lefts.prune(w - upper);
            rights.prune(w - lower);
          }
          out.next(s);
        },
      };
    },
  );
}

/** First index at or after `from` whose timestamp is ≥ `ts`. */
function lowerBound<T>(list: ReadonlyArray<Entry<T>>, from: number, ts: number): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
