/**
 * The window operator's engine, shared by windowAggregate / windowReduce /
 * windowProcess and by their multi-port (`out` + `late`) form. It follows
 * Flink's WindowOperator: assign → (merge) → add → trigger → fire/purge, with
 * event-time and processing-time timers and a cleanup timer per window at
 * end + allowedLateness.
 *
 * Hot path notes: fixed-size assigners are enumerated without allocating,
 * state is a Map per key of windows by start, timers of windows that end
 * together share one heap slot, and the trigger context is one reused object.
 */
import type { Cancel, CreditHold, NodeContext, Signal } from '@streamweave/core';
import { isCheckpointBarrier, isEndOfStream, isWatermark, StreamWeaveError } from '@streamweave/core';
import { StateMismatchError, type StateSnapshot, stateRuntimeOf } from '@streamweave/state';
import type { AggregateFunction } from '../aggregate.js';
import type { WindowAssigner } from '../assigners/windowAssigner.js';
import type { Evictor, EvictorContext } from '../evictors/evictor.js';
import type { KeyedWindowStore, WindowStateBackend } from '../state/windowState.js';
import { type OnMergeContext, type Trigger, TriggerResult } from '../triggers/trigger.js';
import type { FiringTiming, TimestampedValue, TimeWindow, WindowResult } from '../windows.js';
import { decodeState, encodeState } from './snapshotCodec.js';
import { fireGuarded, runItem, watermarkInput } from './engineInput.js';
import { TimerQueue } from './timerQueue.js';
import { describeValue } from './validate.js';

/** How a window's contents are kept. @internal */
export type WindowFunctionSpec<T, K, R> =
  | { readonly kind: 'aggregate'; readonly fn: AggregateFunction<T, unknown, R> }
  | { readonly kind: 'reduce'; readonly fn: (a: T, b: T) => T }
  | { readonly kind: 'process'; readonly fn: (items: T[], info: ProcessWindowInfo<K>) => R };

/** What a process window function sees besides the items. */
export interface ProcessWindowInfo<K> {
  /** The key (undefined for non-keyed windows). */
  readonly key: K;
  /** The window bounds. */
  readonly window: TimeWindow;
  /** The operator's current watermark. */
  readonly currentWatermark: number;
  /** Current processing time. */
  readonly currentProcessingTime: number;
}

/** Facts about a late item, given to the `lateData` callback. */
export interface LateItemInfo {
  /** The item's timestamp. */
  readonly timestamp: number;
  /** The watermark it was late against. */
  readonly watermark: number;
}

/**
 * Live counters of a window operator run (see the operators' `inspect()`).
 */
export interface WindowOperatorStats {
  /** Windows currently holding state (bounded by the open windows). */
  openWindows: number;
  /** Keys with at least one open window. */
  keys: number;
  /** Firings emitted. */
  firings: number;
  /** Items later than the allowed lateness (sent to the late output / callback when given). */
  lateItems: number;
  /** Items for which the assigner returned no window. */
  unassignedItems: number;
  /** Windows with contents still unfired when the input ended (e.g. partial count windows). */
  discardedAtEnd: number;
  /** Current event-time watermark. */
  watermark: number;
  /** Incoming watermarks lower than the current one: ignored (not forwarded) and counted. */
  watermarkRegressions: number;
}

/** Resolved configuration. @internal */
export interface WindowEngineConfig<T, K, R> {
  readonly assigner: WindowAssigner<T>;
  readonly trigger: Trigger<T>;
  readonly evictor: Evictor<T> | undefined;
  readonly key: ((item: T) => K) | undefined;
  readonly timestamp: ((item: T) => number) | undefined;
  readonly allowedLateness: number;
  readonly discarding: boolean;
  readonly fn: WindowFunctionSpec<T, K, R>;
  readonly state: WindowStateBackend;
}

/** Where the engine sends things. @internal */
export interface WindowSinks<T, K, R> {
  result(r: WindowResult<K, R>): void;
  late(item: T, info: LateItemInfo): void;
  signal(s: Signal): void;
  error(e: unknown): void;
}

/**
 * One window of one key. It is its own TimeWindow (start/end) so that a window
 * costs one object; timers keep one inline slot plus an overflow array because
 * almost every window has exactly one event-time timer (its end).
 */
class Entry<K, T> implements TimeWindow {
  acc: unknown = undefined;
  has = false;
  items: TimestampedValue<T>[] | undefined = undefined;
  /** Event-time trigger timers: inline slot (NaN = none) and overflow. */
  et0 = NaN;
  etx: number[] | undefined = undefined;
  /** Times this entry is queued at in the event queue: inline slot and overflow. */
  eq0 = NaN;
  eqx: number[] | undefined = undefined;
  /** Processing-time trigger timers and queued times (rare: plain arrays). */
  pt: number[] | undefined = undefined;
  pq: number[] | undefined = undefined;
  state: Map<string, unknown> | undefined = undefined;
  firings = 0;
  onTime = false;
  dead = false;
  /** Next entry with the same start (custom assigners only). */
  chain: Entry<K, T> | undefined = undefined;
  constructor(
    readonly key: K,
    readonly start: number,
    readonly end: number,
    readonly cleanupAt: number,
  ) {}
}

function hasTime(slot: number, more: number[] | undefined, t: number): boolean {
  return slot === t || (more !== undefined && more.includes(t));
}

type WindowsOfKey<K, T> = Map<number, Entry<K, T>>;

/** One window in a checkpoint (short names: a snapshot holds one per open window). */
interface SavedEntry<T> {
  s: number;
  e: number;
  c: number;
  a?: unknown;
  h: boolean;
  i?: TimestampedValue<T>[];
  t: number[];
  p?: number[];
  st?: Array<[string, unknown]>;
  f: number;
  o: boolean;
}

/** Checkpoint metadata of a window operator: its watermark and both timer queues by window index. */
interface SavedMeta {
  v: number;
  wm: number;
  eq: Array<[number, number[]]>;
  pq: Array<[number, number[]]>;
}

const metaEntry = 'meta';

/** Starts the engine for one run; returns the element handlers. @internal */
export function startWindowEngine<T, K, R>(
  config: WindowEngineConfig<T, K, R>,
  ctx: NodeContext,
  sinks: WindowSinks<T, K, R>,
  stats: WindowOperatorStats,
): { item(value: T, position: number): void; signal(s: Signal): void; finish(): void; teardown(): void } {
  const { assigner, trigger, evictor, allowedLateness, discarding, fn } = config;
  const keyOf = config.key;
  const tsOf = config.timestamp;
  const clock = ctx.clock;
  const eventTime = assigner.isEventTime;
  const merging = assigner.isMerging === true;
  const fixed = merging ? undefined : assigner.fixed;
  const buffered = evictor !== undefined || fn.kind === 'process';
  const agg = fn.kind === 'aggregate' ? fn.fn : undefined;
  const reduce = fn.kind === 'reduce' ? fn.fn : undefined;
  const store: KeyedWindowStore<K, WindowsOfKey<K, T>> = config.state.keyed(ctx.id, 'windows');
  const eventQ = new TimerQueue<Entry<K, T>>();
  const procQ = new TimerQueue<Entry<K, T>>();
  let wm = -Infinity;
  let stopped = false;
  let finished = false;
  let procCancel: Cancel | undefined;
  let procScheduledAt = Infinity;
  let cur: Entry<K, T> = undefined as unknown as Entry<K, T>;
  let mergedOld: Entry<K, T>[] = [];
  const assignerCtx = { currentProcessingTime: () => clock.now() };

  const queueEvent = (time: number, e: Entry<K, T>) => {
    if (hasTime(e.eq0, e.eqx, time)) return;
    if (Number.isNaN(e.eq0)) e.eq0 = time;
    else (e.eqx ??= []).push(time);
    eventQ.add(time, e);
  };
  const queueProcessing = (time: number, e: Entry<K, T>) => {
    const queued = (e.pq ??= []);
    if (queued.includes(time)) return;
    queued.push(time);
    procQ.add(time, e);
    scheduleProcessing();
  };

  const triggerCtx: OnMergeContext = {
    get currentWatermark() {
      return wm;
    },
    currentProcessingTime: () => clock.now(),
    registerEventTimeTimer(time) {
      const e = cur;
      if (e.et0 === time) return;
      if (Number.isNaN(e.et0)) {
        if (e.etx !== undefined && e.etx.includes(time)) return;
        e.et0 = time;
      } else {
        const more = (e.etx ??= []);
        if (more.includes(time)) return;
        more.push(time);
      }
      queueEvent(time, e);
    },
    deleteEventTimeTimer(time) {
      removeEventTimer(cur, time);
    },
    registerProcessingTimeTimer(time) {
      const e = cur;
      let t = e.pt;
      if (t === undefined) t = e.pt = [];
      else if (t.includes(time)) return;
      t.push(time);
      queueProcessing(time, e);
    },
    deleteProcessingTimeTimer(time) {
      const t = cur.pt;
      const i = t ? t.indexOf(time) : -1;
      if (i >= 0) t!.splice(i, 1);
    },
    getState<S>(name: string): S | undefined {
      return cur.state?.get(name) as S | undefined;
    },
    setState<S>(name: string, value: S | undefined) {
      if (value === undefined) cur.state?.delete(name);
      else (cur.state ??= new Map()).set(name, value);
    },
    mergedStates<S>(name: string): S[] {
      const values: S[] = [];
      for (const e of mergedOld) {
        const v = e.state?.get(name);
        if (v !== undefined) values.push(v as S);
      }
      return values;
    },
  };
  const evictorCtx: EvictorContext = {
    get currentWatermark() {
      return wm;
    },
    currentProcessingTime: () => clock.now(),
  };

  // ---- state -------------------------------------------------------------
  const removeEventTimer = (e: Entry<K, T>, time: number): boolean => {
    if (e.et0 === time) {
      e.et0 = NaN;
      return true;
    }
    const i = e.etx ? e.etx.indexOf(time) : -1;
    if (i >= 0) e.etx!.splice(i, 1);
    return i >= 0;
  };
  const unqueueEvent = (e: Entry<K, T>, time: number) => {
    if (e.eq0 === time) e.eq0 = NaN;
    else if (e.eqx) {
      const i = e.eqx.indexOf(time);
      if (i >= 0) e.eqx.splice(i, 1);
    }
  };

  const createEntry = (key: K, windows: WindowsOfKey<K, T>, start: number, end: number): Entry<K, T> => {
    const e = new Entry<K, T>(key, start, end, eventTime ? end + allowedLateness : end);
    const head = windows.get(start);
    if (head) e.chain = head;
    windows.set(start, e);
    stats.openWindows++;
    if (Number.isFinite(e.cleanupAt)) {
      if (eventTime) queueEvent(e.cleanupAt, e);
      else queueProcessing(e.cleanupAt, e);
    }
    return e;
  };

  const windowsOf = (key: K): WindowsOfKey<K, T> => {
    let windows = store.get(key);
    if (windows === undefined) {
      windows = new Map();
      store.set(key, windows);
      stats.keys++;
    }
    return windows;
  };

  const removeEntry = (e: Entry<K, T>) => {
    if (e.dead) return;
    e.dead = true;
    stats.openWindows--;
    const windows = store.get(e.key);
    if (windows) {
      const start = e.start;
      let head = windows.get(start);
      if (head === e) {
        if (e.chain) windows.set(start, e.chain);
        else windows.delete(start);
      } else {
        while (head && head.chain !== e) head = head.chain;
        if (head) head.chain = e.chain;
      }
      if (windows.size === 0) {
        store.delete(e.key);
        stats.keys--;
      }
    }
    if (trigger.clear) {
      cur = e;
      trigger.clear(e, triggerCtx);
    }
  };

  const addTo = (e: Entry<K, T>, value: T, ts: number) => {
    if (buffered) {
      (e.items ??= []).push({ value, timestamp: ts });
    } else if (agg) {
      e.acc = agg.add(value, e.has ? e.acc : agg.createAccumulator());
      e.has = true;
    } else if (e.has) {
      e.acc = reduce!(e.acc as T, value);
    } else {
      e.acc = value;
      e.has = true;
    }
  };

  const purge = (e: Entry<K, T>) => {
    e.acc = undefined;
    e.has = false;
    if (e.items) e.items.length = 0;
  };

  // ---- firing ------------------------------------------------------------
  const resultOf = (e: Entry<K, T>): { ok: boolean; value: R } => {
    if (!buffered) return { ok: e.has, value: (agg ? agg.getResult(e.acc) : e.acc) as R };
    const items = e.items;
    if (!items || items.length === 0) return { ok: false, value: undefined as R };
    evictor?.evictBefore?.(items, e, evictorCtx);
    let value: R;
    if (fn.kind === 'process') {
      value = fn.fn(
        items.map((i) => i.value),
        { key: e.key, window: { start: e.start, end: e.end }, currentWatermark: wm, currentProcessingTime: clock.now() },
      );
    } else if (agg) {
      let acc = agg.createAccumulator();
      for (const i of items) acc = agg.add(i.value, acc);
      value = agg.getResult(acc);
    } else {
      let acc: T | undefined;
      items.forEach((i, n) => (acc = n === 0 ? i.value : reduce!(acc as T, i.value)));
      value = acc as R;
    }
    evictor?.evictAfter?.(items, e, evictorCtx);
    return { ok: true, value };
  };

  /** `now` is the time the firing belongs to: the timer's time, or the current time for item-driven firings. */
  const emit = (e: Entry<K, T>, now: number) => {
    if (!buffered && !e.has) return;
    const r = resultOf(e);
    if (!r.ok) return;
    let timing: FiringTiming;
    if (e.end === Infinity) timing = 'on-time';
    else if (now < e.end) timing = 'early';
    else if (!e.onTime) {
      e.onTime = true;
      timing = 'on-time';
    } else timing = 'late';
    stats.firings++;
    sinks.result({ key: e.key, window: { start: e.start, end: e.end }, result: r.value, timing, firing: e.firings++ });
  };

  const apply = (e: Entry<K, T>, result: TriggerResult, now: number) => {
    if (result === TriggerResult.CONTINUE) return;
    if (result === TriggerResult.FIRE) {
      emit(e, now);
      if (discarding) purge(e);
    } else if (result === TriggerResult.FIRE_AND_PURGE) {
      emit(e, now);
      purge(e);
    } else if (result === TriggerResult.PURGE) {
      purge(e);
    }
  };

  // ---- items -------------------------------------------------------------
  const lateItem = (value: T, ts: number) => {
    stats.lateItems++;
    sinks.late(value, { timestamp: ts, watermark: wm });
  };

  const addAndTrigger = (e: Entry<K, T>, value: T, ts: number) => {
    addTo(e, value, ts);
    cur = e;
    const result = trigger.onElement(value, ts, e, triggerCtx);
    if (result !== TriggerResult.CONTINUE) apply(e, result, eventTime ? wm : clock.now());
  };

  const findEntry = (windows: WindowsOfKey<K, T>, start: number, end: number): Entry<K, T> | undefined => {
    let e = windows.get(start);
    while (e !== undefined && e.end !== end) e = e.chain;
    return e;
  };

  const processFixed = (value: T, ts: number, key: K, size: number, slide: number, offset: number) => {
    let windows: WindowsOfKey<K, T> | undefined;
    let skipped = true;
    const lastStart = ts - ((((ts - offset) % slide) + slide) % slide);
    for (let start = lastStart; start > ts - size; start -= slide) {
      const end = start + size;
      if (eventTime && end + allowedLateness <= wm) continue;
      skipped = false;
      windows ??= windowsOf(key);
      let e = windows.get(start);
      if (e === undefined) e = createEntry(key, windows, start, end);
      addAndTrigger(e, value, ts);
    }
    if (skipped) lateItem(value, ts);
  };

  const processAssigned = (value: T, ts: number, key: K) => {
    const assigned = assigner.assignWindows(value, ts, assignerCtx);
    if (assigned.length === 0) {
      stats.unassignedItems++;
      return;
    }
    let skipped = true;
    for (const w of assigned) {
      if (merging) {
        if (processMerging(value, ts, key, w)) skipped = false;
        continue;
      }
      if (eventTime && w.end + allowedLateness <= wm) continue;
      skipped = false;
      const windows = windowsOf(key);
      const e = findEntry(windows, w.start, w.end) ?? createEntry(key, windows, w.start, w.end);
      addAndTrigger(e, value, ts);
    }
    if (skipped) lateItem(value, ts);
  };

  /** Session-style merging (Flink's MergingWindowSet): returns false when the item was late. */
  const processMerging = (value: T, ts: number, key: K, w: TimeWindow): boolean => {
    const existing = store.get(key);
    const overlapping: Entry<K, T>[] = [];
    if (existing) {
      for (const e of existing.values()) {
        for (let x: Entry<K, T> | undefined = e; x; x = x.chain) {
          if (x.start <= w.end && x.end >= w.start) overlapping.push(x);
        }
      }
    }
    let start = w.start;
    let end = w.end;
    for (const o of overlapping) {
      if (o.start < start) start = o.start;
      if (o.end > end) end = o.end;
    }
    if (eventTime && end + allowedLateness <= wm) return false;
    if (overlapping.length === 1 && overlapping[0]!.start === start && overlapping[0]!.end === end) {
      addAndTrigger(overlapping[0]!, value, ts);
      return true;
    }
    overlapping.sort((a, b) => a.start - b.start);
    for (const o of overlapping) removeEntry(o);
    const windows = windowsOf(key);
    const merged = createEntry(key, windows, start, end);
    for (const o of overlapping) mergeContents(merged, o);
    if (overlapping.length > 0) {
      mergedOld = overlapping;
      cur = merged;
      trigger.onMerge!(merged, triggerCtx);
      mergedOld = [];
    }
    addAndTrigger(merged, value, ts);
    return true;
  };

  const mergeContents = (into: Entry<K, T>, from: Entry<K, T>) => {
    if (buffered) {
      if (from.items && from.items.length > 0) (into.items ??= []).push(...from.items);
      return;
    }
    if (!from.has) return;
    if (!into.has) {
      into.acc = from.acc;
      into.has = true;
    } else {
      into.acc = agg ? agg.merge!(into.acc, from.acc) : reduce!(into.acc as T, from.acc as T);
    }
  };

  const badTimestamp = (raw: unknown, position: number) =>
    new StreamWeaveError(`timestamp extractor returned ${describeValue(raw)}; expected a finite number of milliseconds`, {
      component: ctx.component,
      position,
    });

  const processItem = (value: T, position: number) => {
    let ts: number;
    if (eventTime) {
      const raw: unknown = tsOf!(value);
      if (typeof raw !== 'number' || !Number.isFinite(raw)) throw badTimestamp(raw, position);
      ts = raw;
    } else {
      ts = clock.now();
    }
    const key = keyOf === undefined ? (undefined as K) : keyOf(value);
    if (fixed !== undefined) processFixed(value, ts, key, fixed.size, fixed.slide, fixed.offset);
    else processAssigned(value, ts, key);
  };

  // ---- time --------------------------------------------------------------
  const runTimers = (q: TimerQueue<Entry<K, T>>, upTo: number) => {
    const isEventQ = q === eventQ;
    const cleanupHere = isEventQ === eventTime;
    while (q.size > 0 && q.peek() <= upTo) {
      const { time, entries } = q.pop();
      for (const e of entries) {
        if (e.dead) continue;
        let fires: boolean;
        if (isEventQ) {
          unqueueEvent(e, time);
          fires = removeEventTimer(e, time);
        } else {
          const qi = e.pq!.indexOf(time);
          if (qi >= 0) e.pq!.splice(qi, 1);
          const ti = e.pt ? e.pt.indexOf(time) : -1;
          if (ti >= 0) e.pt!.splice(ti, 1);
          fires = ti >= 0;
        }
        if (fires) {
          cur = e;
          apply(e, isEventQ ? trigger.onEventTime(time, e, triggerCtx) : trigger.onProcessingTime(time, e, triggerCtx), isEventQ || !eventTime ? time : wm);
        }
        if (cleanupHere && !e.dead && e.cleanupAt <= time) removeEntry(e);
        if (stopped) return;
      }
    }
  };

  const guarded = (fire: () => void) => {
    if (!fireGuarded(ctx, sinks, fire)) stopped = true;
  };

  const advanceWatermark = (t: number) => {
    if (t <= wm) return;
    wm = t;
    stats.watermark = t;
    guarded(() => runTimers(eventQ, t));
  };
  const onWatermark = watermarkInput({ now: () => wm, advance: advanceWatermark, stopped: () => stopped, stats }, sinks);

  function scheduleProcessing() {
    const next = procQ.peek();
    if (next >= procScheduledAt || finished) return;
    procCancel?.();
    procScheduledAt = next;
    procCancel = clock.schedule(onProcessingTimer, next - clock.now());
  }

  // The source's credit pool, captured with the first item that set a processing-time timer
  // (a hold taken and given back at once: no credit stays taken). Firings from the clock run
  // under it, so stages downstream that keep results (async stages, buffers) take their credit
  // from the source, and backpressure reaches it.
  let timerPool: CreditHold | undefined;
  const runProcessingTimers = () => guarded(() => runTimers(procQ, clock.now()));

  function onProcessingTimer() {
    procCancel = undefined;
    procScheduledAt = Infinity;
    if (stopped || finished) return;
    if (timerPool !== undefined) timerPool.run(runProcessingTimers);
    else runProcessingTimers();
    scheduleProcessing();
  }

  const finish = () => {
    if (finished || stopped) return;
    // End of input: event time jumps to +Infinity (Flink's final MAX watermark) and
    // pending processing-time timers fire now, so no window with a pending firing is lost.
    advanceWatermark(Infinity);
    if (!stopped) guarded(() => runTimers(procQ, Infinity));
    finished = true;
    procCancel?.();
    for (const windows of store.values()) {
      for (const head of windows.values()) {
        for (let e: Entry<K, T> | undefined = head; e; e = e.chain) {
          if (e.has || (e.items !== undefined && e.items.length > 0)) stats.discardedAtEnd++;
        }
      }
    }
    store.clear();
    eventQ.clear();
    procQ.clear();
    stats.openWindows = 0;
    stats.keys = 0;
  };

  // ---- checkpoints -------------------------------------------------------
  // Under a @streamweave/state CheckpointCoordinator window state takes part in
  // checkpoints exactly as keyedProcess state does: it is serialized synchronously
  // at the barrier (an exact cut) and reported before the barrier is forwarded; the
  // coordinator writes it to its backend. Timer queues are saved in queue order so
  // windows that fire together after a restore fire in the original order.
  const runtime = stateRuntimeOf(ctx);

  const saveEntry = (e: Entry<K, T>): SavedEntry<T> => {
    const t = Number.isNaN(e.et0) ? [] : [e.et0];
    if (e.etx) t.push(...e.etx);
    const saved: SavedEntry<T> = { s: e.start, e: e.end, c: e.cleanupAt, h: e.has, t, f: e.firings, o: e.onTime };
    if (e.has) saved.a = e.acc;
    if (e.items && e.items.length > 0) saved.i = e.items;
    if (e.pt && e.pt.length > 0) saved.p = e.pt;
    if (e.state && e.state.size > 0) saved.st = [...e.state];
    return saved;
  };

  const snapshot = (): StateSnapshot => {
    const index = new Map<Entry<K, T>, number>();
    const pairs: Array<[string, string]> = [];
    for (const windows of store.values()) {
      const chains: SavedEntry<T>[][] = [];
      let key: K | undefined;
      for (const head of windows.values()) {
        const chain: SavedEntry<T>[] = [];
        for (let e: Entry<K, T> | undefined = head; e; e = e.chain) {
          index.set(e, index.size);
          key = e.key;
          chain.push(saveEntry(e));
        }
        chains.push(chain);
      }
      if (chains.length > 0) pairs.push([`k${pairs.length}`, encodeState({ k: key, w: chains })]);
    }
    const queued = (q: TimerQueue<Entry<K, T>>): Array<[number, number[]]> => {
      const saved: Array<[number, number[]]> = [];
      for (const [time, entries] of q.ordered()) {
        const live = entries.filter((e) => !e.dead && index.has(e)).map((e) => index.get(e)!);
        if (live.length > 0) saved.push([time, live]);
      }
      return saved;
    };
    const meta: SavedMeta = { v: 1, wm, eq: queued(eventQ), pq: queued(procQ) };
    pairs.push([metaEntry, encodeState(meta)]);
    return pairs;
  };

  const restore = (saved: StateSnapshot) => {
    const mismatch = (why: string) =>
      new StateMismatchError(`window state cannot be restored: ${why}`, ctx.id, { component: ctx.component });
    const metaText = saved.find(([name]) => name === metaEntry)?.[1];
    if (metaText === undefined) throw mismatch('the snapshot has no window metadata');
    const meta = decodeState<SavedMeta>(metaText);
    if (meta.v !== 1) throw mismatch(`unknown snapshot version ${String(meta.v)}`);
    const all: Entry<K, T>[] = [];
    for (const [name, text] of saved) {
      if (name === metaEntry) continue;
      if (!name.startsWith('k')) throw mismatch(`unexpected entry ${JSON.stringify(name)}`);
      const { k, w } = decodeState<{ k: K; w: SavedEntry<T>[][] }>(text);
      const windows = windowsOf(k);
      for (const chain of w) {
        let prev: Entry<K, T> | undefined;
        for (const x of chain) {
          const e = new Entry<K, T>(k, x.s, x.e, x.c);
          e.has = x.h;
          if (x.h) e.acc = x.a;
          if (x.i) e.items = x.i;
          if (x.t.length > 0) e.et0 = x.t[0]!;
          if (x.t.length > 1) e.etx = x.t.slice(1);
          if (x.p) e.pt = x.p;
          if (x.st) e.state = new Map(x.st);
          e.firings = x.f;
          e.onTime = x.o;
          if (prev) prev.chain = e;
          else windows.set(e.start, e);
          prev = e;
          all.push(e);
          stats.openWindows++;
        }
      }
    }
    wm = meta.wm;
    stats.watermark = wm;
    for (const [time, entries] of meta.eq) for (const i of entries) if (all[i]) queueEvent(time, all[i]);
    for (const [time, entries] of meta.pq) for (const i of entries) if (all[i]) queueProcessing(time, all[i]);
  };

  if (runtime) {
    runtime.register({ id: ctx.id, type: ctx.descriptor.type });
    const saved = runtime.restored(ctx.id);
    if (saved) restore(saved);
  }

  return {
    item(value, position) {
      if (stopped) return;
      if (!runItem(ctx, sinks, value, position, processItem)) {
        stopped = true;
        return;
      }
      if (timerPool === undefined && procQ.size > 0) {
        timerPool = ctx.hold();
        timerPool.release();
      }
    },
    signal(s) {
      if (stopped) return;
      if (isWatermark(s)) {
        if (!onWatermark(s)) return;
      } else if (isCheckpointBarrier(s)) {
        runtime?.snapshotTaken(ctx.id, s.checkpointId, snapshot());
      } else if (isEndOfStream(s)) {
        finish();
        runtime?.snapshotTaken(ctx.id, 'end', snapshot());
      }
      if (!stopped) sinks.signal(s);
    },
    finish,
    teardown() {
      finished = true;
      procCancel?.();
    },
  };
}
