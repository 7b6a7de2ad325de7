import type { NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError, requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { recoverSync } from '../internal/recoverSync.js';
import { failed, requireKeyOf } from './internal/guard.js';
import { KeyTable } from './internal/keyTable.js';

/** One key's aggregate, as emitted by {@link keyedReduce}. */
export interface KeyedValue<K, A> {
  /** Key the aggregate belongs to. */
  readonly key: K;
  /** Current aggregate of the key. */
  readonly value: A;
}

/** Options of {@link keyedReduce}. */
export interface KeyedReduceOptions extends NodeOptions {
  /**
   * `final` (default): a key's aggregate is emitted when the key leaves (evicted, expired) or the input ends.
   * `rolling`: the key's aggregate after every item (Flink `keyBy().reduce()`).
   */
  readonly emit?: 'final' | 'rolling';
  /** Most live keys (default 100 000); beyond it a key not used recently is evicted (CLOCK, an LRU approximation) and, in `final` mode, emitted. */
  readonly maxKeys?: number;
  /** A key unseen for this long (run's clock) expires (and, in `final` mode, is emitted). */
  readonly idleMs?: number;
}

/**
 * Keyed aggregation: folds the items of each key (`key(item)`) into its own
 * accumulator, `seed(key)` being its start. Memory is bounded by `maxKeys` and
 * optionally `idleMs`: a key that leaves starts from `seed` again if it comes
 * back. A throwing key or reducer, or a key of `undefined`, goes through the
 * error strategy naming this component and the item position.
 *
 * When to use: counts/sums per key on bounded input, or per-session totals with
 * `idleMs`. For per-key sub-pipelines use {@link groupBy}; for event-time windows
 * per key, `@streamweave/windowing`.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray(['a', 'b', 'a'])).pipe(keyedReduce((w) => w, (n) => n + 1, () => 0)).to(collect());
 * // [{ key: 'a', value: 2 }, { key: 'b', value: 1 }]
 * ```
 * @see {@link groupBy}, {@link reduce}
 */
export function keyedReduce<T, K, A>(
  key: (item: T) => K,
  reducer: (acc: A, item: T, key: K) => A,
  seed: (key: K) => A,
  options: KeyedReduceOptions = {},
): Transformer<T, KeyedValue<K, A>> {
  requireFunction('keyedReduce', 'key', key);
  requireFunction('keyedReduce', 'reducer', reducer);
  requireFunction('keyedReduce', 'seed', seed);
  const { maxKeys, idleMs } = checkKeyBounds('keyedReduce', options);
  const rolling = (options.emit ?? 'final') === 'rolling';
  const keyOf = requireKeyOf(key);
  return defineTransformer<T, KeyedValue<K, A>>(
    'keyedReduce',
    { key, reducer, seed, emit: rolling ? 'rolling' : 'final', maxKeys, idleMs },
    options,
    (out, ctx) => {
      const emit = (k: K, value: A) => {
        ctx.stats.out++;
        out.next({ key: k, value });
      };
      const table = new KeyTable<K, { acc: A }>(maxKeys, idleMs, ctx.clock, (k, slot) => {
        if (!rolling) emit(k, slot.acc);
      });
      let flushed = false;
      const flushAll = () => {
        if (flushed) return;
        flushed = true;
        if (!rolling) for (const [k, slot] of table.entries()) emit(k, slot.acc);
        table.clear();
      };
      return {
        item(value, position) {
          // Hot path without closures: the guard (and its allocations) runs only after a throw.
          let k: K;
          try {
            k = key(value);
            if (k === undefined) k = keyOf(value);
          } catch (e) {
            const r = recoverSync(ctx, out, e, value, position, () => keyOf(value));
            if (r === failed) return;
            k = r;
          }
          const slot = table.get(k) ?? table.touch(k, () => ({ acc: seed(k) }));
          let next: A;
          try {
            next = reducer(slot.acc, value, k);
          } catch (e) {
            const r = recoverSync(ctx, out, e, value, position, () => reducer(slot.acc, value, k));
            if (r === failed) return;
            next = r;
          }
          slot.acc = next;
          if (rolling) emit(k, next);
        },
        signal(s) {
          if (s.kind === 'end') flushAll();
          out.next(s);
        },
        complete() {
          flushAll();
          out.complete();
        },
        teardown: () => table.stop(),
      };
    },
  );
}

/** Validates `maxKeys` / `idleMs`. @internal */
export function checkKeyBounds(op: string, o: { maxKeys?: number; idleMs?: number }): { maxKeys: number; idleMs: number | undefined } {
  const maxKeys = o.maxKeys ?? 100_000;
  if (!(Number.isInteger(maxKeys) && maxKeys > 0)) {
    throw new InvalidArgumentError(`${op}: \`maxKeys\` must be a positive integer, got ${String(o.maxKeys)}`);
  }
  if (o.idleMs !== undefined && !(o.idleMs > 0 && Number.isFinite(o.idleMs))) {
    throw new InvalidArgumentError(`${op}: \`idleMs\` must be a positive number, got ${String(o.idleMs)}`);
  }
  return { maxKeys, idleMs: o.idleMs };
}
