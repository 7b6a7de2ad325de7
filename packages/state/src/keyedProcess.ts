import {
  type Cancel,
  defineTransformer,
  InvalidArgumentError,
  isCheckpointBarrier,
  isEndOfStream,
  isWatermark,
  type NodeContext,
  type NodeOptions,
  type Signal,
  StreamWeaveError,
  type Transformer,
} from '@streamweave/core';
import type { Subscriber } from 'rxjs';
import { StateMismatchError } from './errors.js';
import type { StateAccessors, StateDescriptors } from './keyedState.js';
import { timersEntry } from './internal/keyedStore.js';
import { heapKeyedStore } from './heapKeyedStore.js';
import type { KeyedStateStore, KeyedStateStoreFactory } from './keyedStateStore.js';
import { stateRuntimeOf } from './internal/stateRuntime.js';

/** What a key may be: anything with a stable JSON form. */
export type KeyValue = string | number | boolean | readonly (string | number | boolean)[];

/** Timer service of the current key. */
export interface TimerService {
  /** Fires `onTimer` when the watermark reaches `timestamp` (event time). */
  registerEventTimeTimer(timestamp: number): void;
  /** Removes an event-time timer of the current key. */
  deleteEventTimeTimer(timestamp: number): void;
  /** Fires `onTimer` when `ctx.clock` reaches `timestamp` (processing time). */
  registerProcessingTimeTimer(timestamp: number): void;
  /** Removes a processing-time timer of the current key. */
  deleteProcessingTimeTimer(timestamp: number): void;
  /** The last watermark seen (-Infinity before the first). */
  currentWatermark(): number;
  /** Processing time (`ctx.clock.now()`). */
  currentProcessingTime(): number;
}

/** Context of `processElement` and `onTimer`: the current key, its state, timers and output. */
export interface KeyedProcessContext<K, O, S extends StateDescriptors> {
  /** The key being processed. */
  readonly key: K;
  /** Accessors of the declared state, bound to the current key. */
  readonly state: StateAccessors<S>;
  /** Timers of the current key. */
  readonly timers: TimerService;
  /** Emits an output item (in order, before any later signal). */
  emit(value: O): void;
}

/** A keyed process function: Flink's KeyedProcessFunction. */
export interface KeyedProcessFunction<I, O, K extends KeyValue, S extends StateDescriptors> {
  /** Extracts the key of an item; state and timers are scoped to it. */
  keyBy(item: I): K;
  /** Named state declarations (see {@link valueState} and its neighbours). */
  readonly state?: S;
  /**
   * Where the working state lives (default {@link heapKeyedStore}: the heap, full snapshots).
   * `lmdbKeyedStore({ path })` from `@streamweave/state/node` keeps it in LMDB with a bounded
   * cache, for state larger than memory, with incremental checkpoints.
   */
  readonly store?: KeyedStateStoreFactory;
  /** Handles one item of the current key. */
  processElement(item: I, ctx: KeyedProcessContext<K, O, S>): void;
  /** A timer of `ctx.key` fired; `kind` says which clock. */
  onTimer?(timestamp: number, ctx: KeyedProcessContext<K, O, S>, kind: 'event' | 'processing'): void;
}

/** A transformer whose state takes part in checkpoints. */
export type StatefulTransformer<I, O> = Transformer<I, O>;

/**
 * Keyed stateful processing with timers. State lives on the heap by default; at a
 * checkpoint barrier it is serialized (synchronously, so the cut is exact) and handed to
 * the coordinator, which writes it to the backend while processing continues; then the
 * barrier is forwarded. With `store: lmdbKeyedStore(...)` (`@streamweave/state/node`) it
 * lives in LMDB behind a bounded cache and checkpoints write only the changed keys.
 * Event-time timers fire on watermarks (and at end of input), processing-time timers
 * on `ctx.clock`. Give the node a `name`: it is the stable
 * operator id its state is stored under.
 *
 * @example
 * ```ts
 * const counts = keyedProcess({
 *   keyBy: (w: string) => w,
 *   state: { n: valueState<number>({ defaultValue: 0 }) },
 *   processElement(w, ctx) { const n = ctx.state.n.value()! + 1; ctx.state.n.update(n); ctx.emit({ w, n }); },
 * }, { name: 'wordCount' });
 * ```
 * @see {@link valueState}, {@link CheckpointCoordinator}
 */
export function keyedProcess<I, O, K extends KeyValue, S extends StateDescriptors = Record<never, never>>(
  fn: KeyedProcessFunction<I, O, K, S>,
  options?: NodeOptions,
): StatefulTransformer<I, O> {
  if (!fn || typeof fn.keyBy !== 'function' || typeof fn.processElement !== 'function') {
    throw new InvalidArgumentError('keyedProcess: expected { keyBy, processElement } functions');
  }
  return keyedOperator<I, O, K, S>('keyedProcess', fn, options);
}

/** Shared implementation of keyed operators (keyedProcess, deduplicate, aggregations). @internal */
export function keyedOperator<I, O, K extends KeyValue, S extends StateDescriptors>(
  type: string,
  fn: KeyedProcessFunction<I, O, K, S>,
  options: NodeOptions | undefined,
  params: Record<string, unknown> = { keyBy: fn.keyBy, processElement: fn.processElement },
): StatefulTransformer<I, O> {
  const declared = fn.state ?? ({} as S);
  for (const name of Object.keys(declared)) {
    if (name.includes('\u0000') || name.length === 0) throw new InvalidArgumentError(`${type}: invalid state name ${JSON.stringify(name)}`);
  }
  // The aggregation patterns and deduplicate take `store` in their options.
  const store = fn.store ?? (options as { readonly store?: KeyedStateStoreFactory } | undefined)?.store;
  if (store !== undefined && (typeof store !== 'object' || store === null || typeof store.open !== 'function')) {
    throw new InvalidArgumentError(`${type}: \`store\` must be a keyed state store factory (heapKeyedStore(), lmdbKeyedStore(...))`);
  }
  const described = store ? { ...params, store: store.kind } : params;
  return defineTransformer<I, O>(type, described, options, (out, ctx) => new KeyedRun<I, O, K, S>(fn, store ?? heapKeyedStore(), declared, out, ctx).handlers());
}

class KeyedRun<I, O, K extends KeyValue, S extends StateDescriptors> {
  private readonly store: KeyedStateStore;
  private readonly accessors: StateAccessors<S>;
  private readonly eventTimers = new Map<string, Set<number>>();
  private readonly procTimers = new Map<string, Cancel>();
  private watermark = -Infinity;
  private key: K | undefined;
  private readonly context: KeyedProcessContext<K, O, S>;

  constructor(
    private readonly fn: KeyedProcessFunction<I, O, K, S>,
    factory: KeyedStateStoreFactory,
    declared: S,
    private readonly out: Subscriber<unknown>,
    private readonly ctx: NodeContext,
  ) {
    this.store = factory.open({
      operatorId: ctx.id,
      clock: ctx.clock,
      ttl: new Map(Object.entries(declared).map(([n, d]) => [n, d.options.ttlMs])),
    });
    const acc: Record<string, unknown> = {};
    for (const [name, d] of Object.entries(declared)) acc[name] = d.bind(this.store, name);
    this.accessors = acc as StateAccessors<S>;
    const timers: TimerService = {
      registerEventTimeTimer: (ts) => {
        const k = this.store.currentKey;
        let set = this.eventTimers.get(k);
        if (!set) this.eventTimers.set(k, (set = new Set()));
        set.add(ts);
      },
      deleteEventTimeTimer: (ts) => {
        const set = this.eventTimers.get(this.store.currentKey);
        set?.delete(ts);
        if (set?.size === 0) this.eventTimers.delete(this.store.currentKey);
      },
      registerProcessingTimeTimer: (ts) => this.scheduleProc(this.store.currentKey, ts),
      deleteProcessingTimeTimer: (ts) => {
        const id = `${ts}|${this.store.currentKey}`;
        this.procTimers.get(id)?.();
        this.procTimers.delete(id);
      },
      currentWatermark: () => this.watermark,
      currentProcessingTime: () => ctx.clock.now(),
    };
    const currentKey = () => this.key as K;
    this.context = {
      get key() {
        return currentKey();
      },
      state: this.accessors,
      timers,
      emit: (v) => {
        ctx.stats.out++;
        out.next(v);
      },
    };
    const runtime = stateRuntimeOf(ctx);
    const store = this.store;
    runtime?.register({
      id: ctx.id,
      type: ctx.descriptor.type,
      ...(store.notifyComplete ? { notifyComplete: (id: number) => store.notifyComplete!(id) } : {}),
      ...(store.notifyRetained ? { notifyRetained: (ids: readonly number[]) => store.notifyRetained!(ids) } : {}),
    });
    this.restore(runtime?.restored(ctx.id));
  }

  private restore(snapshot: ReadonlyArray<readonly [string, string]> | undefined): void {
    const { extra, unknown } = this.store.restore(snapshot);
    if (unknown.size > 0) {
      throw new StateMismatchError(
        `restored state has ${[...unknown].map((n) => `"${n}"`).join(', ')}, which this operator no longer declares`,
        this.ctx.id,
        { component: this.ctx.component },
      );
    }
    const t = extra.get(timersEntry);
    if (t) {
      const { e, p } = JSON.parse(t) as { e: Array<[string, number]>; p: Array<[string, number]> };
      for (const [k, ts] of e) {
        let set = this.eventTimers.get(k);
        if (!set) this.eventTimers.set(k, (set = new Set()));
        set.add(ts);
      }
      for (const [k, ts] of p) this.scheduleProc(k, ts);
    }
  }

  private scheduleProc(keyJson: string, ts: number): void {
    const id = `${ts}|${keyJson}`;
    if (this.procTimers.has(id)) return;
    this.procTimers.set(
      id,
      this.ctx.clock.schedule(() => {
        this.procTimers.delete(id);
        this.fire(keyJson, ts, 'processing');
      }, ts - this.ctx.clock.now()),
    );
  }

  private fire(keyJson: string, ts: number, kind: 'event' | 'processing'): void {
    if (!this.fn.onTimer || this.out.closed) return;
    this.store.currentKey = keyJson;
    this.key = JSON.parse(keyJson) as K;
    this.guarded(() => this.fn.onTimer!(ts, this.context, kind), undefined, this.ctx.stats.in, 1);
  }

  /** Runs a user callback under the error strategy (retries go through it again). */
  private guarded(call: () => void, item: unknown, position: number, first: number): void {
    for (let attempt = first; ; attempt++) {
      try {
        call();
        return;
      } catch (e) {
        const d = this.ctx.fail(e, item, position, attempt);
        if (d.action === 'stop') {
          this.out.error(d.error);
          return;
        }
        if (d.action !== 'retry') return;
      }
    }
  }

  private fireEventTimers(upTo: number): void {
    const due: Array<[number, string]> = [];
    for (const [k, set] of this.eventTimers) {
      for (const ts of set) if (ts <= upTo) due.push([ts, k]);
    }
    due.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
    for (const [ts, k] of due) {
      const set = this.eventTimers.get(k)!;
      set.delete(ts);
      if (set.size === 0) this.eventTimers.delete(k);
      this.fire(k, ts, 'event');
    }
  }

  private snapshot(checkpointId: number | 'end', savepoint: boolean) {
    const e: Array<[string, number]> = [];
    for (const [k, set] of this.eventTimers) for (const ts of set) e.push([k, ts]);
    const p: Array<[string, number]> = [];
    for (const id of this.procTimers.keys()) {
      const bar = id.indexOf('|');
      p.push([id.slice(bar + 1), Number(id.slice(0, bar))]);
    }
    return this.store.snapshot({ checkpointId, savepoint }, e.length + p.length > 0 ? [[timersEntry, JSON.stringify({ e, p })]] : []);
  }

  handlers() {
    return {
      item: (value: I, position: number) => {
        let key: K;
        let keyJson: string;
        try {
          key = this.fn.keyBy(value);
          // Numbers and strings are by far the commonest keys: skip JSON.stringify's generic path for numbers.
          keyJson = typeof key === 'number' && Number.isFinite(key) ? `${key}` : JSON.stringify(key);
          if (keyJson === undefined) throw new StreamWeaveError('keyBy returned undefined');
        } catch (e) {
          const d = this.ctx.fail(e, value, position, 1);
          if (d.action === 'stop') this.out.error(d.error);
          return;
        }
        this.store.currentKey = keyJson;
        this.key = key;
        // The common case without a try/catch loop around it; a failure goes through the error strategy.
        try {
          this.fn.processElement(value, this.context);
        } catch (e) {
          const d = this.ctx.fail(e, value, position, 1);
          if (d.action === 'stop') this.out.error(d.error);
          else if (d.action === 'retry') this.guarded(() => this.fn.processElement(value, this.context), value, position, 2);
        }
      },
      signal: (s: Signal) => {
        if (isWatermark(s)) {
          this.watermark = Math.max(this.watermark, s.timestamp);
          this.fireEventTimers(this.watermark);
        } else if (isCheckpointBarrier(s)) {
          stateRuntimeOf(this.ctx)?.snapshotTaken(this.ctx.id, s.checkpointId, this.snapshot(s.checkpointId, s.savepoint));
        } else if (isEndOfStream(s)) {
          // Bounded input ends like Flink's final watermark: every event-time timer fires.
          this.fireEventTimers(Infinity);
          stateRuntimeOf(this.ctx)?.snapshotTaken(this.ctx.id, 'end', this.snapshot('end', false));
        }
        if (!this.out.closed) this.out.next(s);
      },
      teardown: () => {
        for (const cancel of this.procTimers.values()) cancel();
        this.procTimers.clear();
        this.store.close?.();
      },
    };
  }
}
