import { Observable, type Subscriber, type Subscription } from 'rxjs';
import type { NodeContext, NodeOptions, NodeStats, Transformer } from '../contracts.js';
import { InvalidArgumentError, requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { type Element, endOfStream, isSignal, type Signal } from '../signals.js';
import { failed, guard, requireKeyOf } from './internal/guard.js';
import { KeyTable } from './internal/keyTable.js';
import { checkKeyBounds } from './keyedReduce.js';
import { deriveContext } from '../internal/deriveContext.js';

/** Options of {@link groupBy}. */
export interface GroupByOptions extends NodeOptions {
  /** Most live sub-streams (default 10 000); beyond it one not used recently is ended (CLOCK, an LRU approximation). */
  readonly maxKeys?: number;
  /** A sub-stream without items for this long (run's clock) is ended. */
  readonly idleMs?: number;
}

interface Group {
  readonly input: Subscriber<Element<unknown>>;
  readonly subscription: Subscription;
  readonly stats: NodeStats;
  ended: boolean;
}

interface PendingSignal {
  readonly signal: Signal;
  readonly waiting: Set<Group>;
}

/**
 * Keyed sub-streams: routes each item to the sub-pipeline of its key, built on
 * first use by `through(key)` (any transformer, async ones included), and merges
 * the sub-pipelines' outputs. Every signal reaches every live sub-stream and is
 * emitted downstream once, after all of them have passed it (so a watermark or
 * barrier never overtakes an output of an earlier item). Memory is bounded by
 * `maxKeys` (a sub-stream not used recently is ended first) and `idleMs`; an ended
 * sub-stream receives EndOfStream, so it flushes what it holds, and a returning
 * key gets a fresh one.
 *
 * When to use: per-key logic that needs an operator's own state (dedupe per
 * user, per-device rate limits, per-key windows). For plain per-key folds
 * {@link keyedReduce} is faster.
 *
 * @example
 * ```ts
 * // per-user running totals
 * pipeline().from(orders).pipe(groupBy((o) => o.user, () => runningSum((o: Order) => o.amount))).to(sink);
 * ```
 * @see {@link keyedReduce}, {@link keyPartition}
 */
export function groupBy<T, K, O>(
  key: (item: T) => K,
  through: (key: K) => Transformer<T, O>,
  options: GroupByOptions = {},
): Transformer<T, O> {
  requireFunction('groupBy', 'key', key);
  requireFunction('groupBy', 'through', through);
  const { maxKeys, idleMs } = checkKeyBounds('groupBy', { maxKeys: options.maxKeys ?? 10_000, idleMs: options.idleMs });
  const keyOf = requireKeyOf(key);
  return defineTransformer<T, O>('groupBy', { key, through, maxKeys, idleMs }, options, (out, ctx) => {
    const pending: PendingSignal[] = [];
    const live = new Set<Group>();
    let inputDone = false;
    let closed = false;

    const releaseSignals = () => {
      while (pending.length > 0 && pending[0]!.waiting.size === 0) out.next(pending.shift()!.signal);
      if (inputDone && pending.length === 0 && live.size === 0 && !closed) {
        closed = true;
        out.complete();
      }
    };
    const endGroup = (g: Group) => {
      if (g.ended) return;
      g.ended = true;
      g.input.next(endOfStream);
      g.input.complete();
    };
    const table = new KeyTable<K, Group>(maxKeys, idleMs, ctx.clock, (_k, g) => endGroup(g));

    const open = (k: K): Group => {
      let transformer: Transformer<T, O>;
      try {
        transformer = through(k);
      } catch (e) {
        throw new InvalidArgumentError(`groupBy: \`through\` failed for key ${String(k)}`, { component: ctx.component, cause: e });
      }
      let input!: Subscriber<Element<unknown>>;
      const source = new Observable<Element<T>>((s) => {
        input = s as Subscriber<Element<unknown>>;
      });
      const stats: NodeStats = { in: 0, out: 0, errors: 0, skipped: 0 };
      const subCtx: NodeContext = deriveContext(ctx, { id: `${ctx.id}[${String(k)}]`, stats });
      const group: Group = { input: undefined as never, subscription: undefined as never, stats, ended: false };
      const output = transformer.apply(source, subCtx);
      const subscription = output.subscribe({
        next(el) {
          if (!isSignal(el)) {
            ctx.stats.out++;
            out.next(el as O);
            return;
          }
          // A sub-stream passed a signal: it no longer holds it back.
          for (const p of pending) if (p.signal === el) p.waiting.delete(group);
          releaseSignals();
        },
        error(e: unknown) {
          if (!closed) {
            closed = true;
            out.error(e);
          }
        },
        complete() {
          live.delete(group);
          for (const p of pending) p.waiting.delete(group);
          releaseSignals();
        },
      });
      Object.assign(group, { input, subscription });
      live.add(group);
      return group;
    };

    return {
      item(value, position) {
        const k = guard(ctx, out, value, position, () => keyOf(value));
        if (k === failed) return;
        let group: Group;
        try {
          group = table.touch(k, () => open(k));
        } catch (e) {
          closed = true;
          out.error(e);
          return;
        }
        group.input.next(value);
      },
      signal(s) {
        if (s.kind === 'end') {
          // Ending: every sub-stream flushes; EndOfStream follows once they are done.
          table.stop();
          pending.push({ signal: s, waiting: new Set(live) });
          for (const g of [...live]) endGroup(g);
          table.clear();
          releaseSignals();
          return;
        }
        const waiting = new Set(live);
        pending.push({ signal: s, waiting });
        for (const g of [...live]) g.input.next(s);
        releaseSignals();
      },
      complete() {
        inputDone = true;
        table.stop();
        for (const g of [...live]) endGroup(g);
        releaseSignals();
      },
      teardown() {
        table.stop();
        for (const g of live) g.subscription.unsubscribe();
        live.clear();
      },
    };
  });
}
