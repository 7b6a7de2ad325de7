import type { NodeOptions } from '../../contracts.js';
import { InvalidArgumentError } from '../../errors.js';
import type { MultiPortTransformer } from '../../graph/model.js';
import { defineFanIn } from '../../routing/internal/ports.js';
import { failed } from '../internal/guard.js';
import { checkSide, type JoinSide, readSide } from '../internal/joinSide.js';

/** A matched pair of an {@link intervalJoin} or {@link windowJoin}. */
export interface JoinedPair<L, R> {
  readonly left: L;
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
      const lefts = new Map<K, Entry<L>[]>();
      const rights = new Map<K, Entry<R>[]>();
      const emit = (left: L, right: R) => {
        ctx.stats.out++;
        out.next({ left, right });
      };
      const prune = <T>(m: Map<K, Entry<T>[]>, keep: (ts: number) => boolean) => {
        for (const [k, list] of m) {
          const kept = list.filter((e) => keep(e.ts));
          if (kept.length === 0) m.delete(k);
          else if (kept.length !== list.length) m.set(k, kept);
        }
      };
      return {
        item(port, value, position) {
          if (port === 0) {
            const a = value as L;
            const r = readSide(ctx, out, options.left, 'left', a, position, true);
            if (r === failed) return;
            for (const b of rights.get(r.k) ?? []) if (b.ts >= r.ts - lower && b.ts <= r.ts + upper) emit(a, b.v);
            let list = lefts.get(r.k);
            if (!list) lefts.set(r.k, (list = []));
            list.push({ ts: r.ts, v: a });
          } else {
            const b = value as R;
            const r = readSide(ctx, out, options.right, 'right', b, position, true);
            if (r === failed) return;
            for (const a of lefts.get(r.k) ?? []) if (r.ts >= a.ts - lower && r.ts <= a.ts + upper) emit(a.v, b);
            let list = rights.get(r.k);
            if (!list) rights.set(r.k, (list = []));
            list.push({ ts: r.ts, v: b });
          }
        },
        signal(s) {
          if (s.kind === 'watermark') {
            const w = s.timestamp;
            prune(lefts, (ts) => ts + upper >= w);
            prune(rights, (ts) => ts + lower >= w);
          }
          out.next(s);
        },
      };
    },
  );
}
