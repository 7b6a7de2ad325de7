/**
 * Sliding windows by slices ("panes"), the optimization Flink SQL and Beam
 * runners use for hopping windows: each item updates the one accumulator of its
 * slide-sized pane instead of size/slide window accumulators, and a window's
 * result is the merge of its panes when it fires. Results (values, timing,
 * order) are the same as the general engine's with the default event-time
 * trigger in accumulating mode; the operator picks this engine only then (and
 * when the aggregate function has `merge`).
 */
import type { NodeContext, Signal } from '@streamweave/core';
import { isEndOfStream, isWatermark, StreamWeaveError } from '@streamweave/core';
import type { AggregateFunction } from '../aggregate.js';
import type { KeyedWindowStore } from '../state/windowState.js';
import type { FiringTiming } from '../windows.js';
import { fireGuarded, runItem, watermarkInput } from './engineInput.js';
import { TimerQueue } from './timerQueue.js';
import { describeValue } from './validate.js';
import type { WindowEngineConfig, WindowOperatorStats, WindowSinks } from './windowEngine.js';

class KeyPanes<K> {
  /** Pane start → accumulator (only non-empty panes are kept). */
  readonly panes = new Map<number, unknown>();
  maxPane = -Infinity;
  /** End of the next window of this key to fire on time (Infinity: none pending). */
  nextEnd = Infinity;
  /** The one timer this key is queued at (earlier registrations are stale). */
  due = Infinity;
  /** Firings so far per window end, kept only with allowed lateness (re-firings). */
  fired: Map<number, number> | undefined = undefined;
  dead = false;
  constructor(readonly key: K) {}
}

/** True when the sliced engine gives the same results as the general one for `config`. @internal */
export function canSlice<T, K, R>(config: WindowEngineConfig<T, K, R>, defaultTrigger: boolean): boolean {
  const f = config.assigner.fixed;
  return (
    f !== undefined &&
    config.assigner.isEventTime &&
    config.assigner.isMerging !== true &&
    f.slide < f.size &&
    f.size % f.slide === 0 &&
    defaultTrigger &&
    config.evictor === undefined &&
    !config.discarding &&
    config.fn.kind === 'aggregate' &&
    typeof config.fn.fn.merge === 'function'
  );
}

/** Starts the sliced engine for one run. @internal */
export function startSlicedEngine<T, K, R>(
  config: WindowEngineConfig<T, K, R>,
  ctx: NodeContext,
  sinks: WindowSinks<T, K, R>,
  stats: WindowOperatorStats,
): { item(value: T, position: number): void; signal(s: Signal): void; finish(): void; teardown(): void } {
  const { size, slide, offset } = config.assigner.fixed!;
  const lateness = config.allowedLateness;
  const agg = (config.fn as { fn: AggregateFunction<T, unknown, R> }).fn;
  const merge = agg.merge!;
  const keyOf = config.key;
  const tsOf = config.timestamp!;
  const store: KeyedWindowStore<K, KeyPanes<K>> = config.state.keyed(ctx.id, 'panes');
  const timers = new TimerQueue<KeyPanes<K>>();
  let wm = -Infinity;
  let stopped = false;
  let finished = false;

  const paneOf = (ts: number) => ts - ((((ts - offset) % slide) + slide) % slide);

  const schedule = (kp: KeyPanes<K>) => {
    let min = Infinity;
    for (const p of kp.panes.keys()) if (p < min) min = p;
    const due = Math.min(kp.nextEnd, min + size + lateness);
    if (due !== kp.due) {
      kp.due = due;
      if (due !== Infinity) timers.add(due, kp);
    }
  };

  /** Emits the window ending at `end` when any of its panes has content. */
  const fire = (kp: KeyPanes<K>, end: number) => {
    let acc: unknown;
    let any = false;
    for (let p = end - size; p < end; p += slide) {
      const a = kp.panes.get(p);
      if (a === undefined) continue;
      acc = any ? merge(acc, a) : merge(agg.createAccumulator(), a);
      any = true;
    }
    if (!any) return;
    let n = 0;
    if (lateness > 0) {
      const fired = (kp.fired ??= new Map());
      n = fired.get(end) ?? 0;
      fired.set(end, n + 1);
    }
    const timing: FiringTiming = n === 0 ? 'on-time' : 'late';
    stats.firings++;
    sinks.result({ key: kp.key, window: { start: end - size, end }, result: agg.getResult(acc), timing, firing: n });
  };

  const processItem = (value: T, position: number) => {
    const raw: unknown = tsOf(value);
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      throw new StreamWeaveError(`timestamp extractor returned ${describeValue(raw)}; expected a finite number of milliseconds`, {
        component: ctx.component,
        position,
      });
    }
    const ts = raw;
    const key = keyOf === undefined ? (undefined as K) : keyOf(value);
    const p = paneOf(ts);
    // Every window of the item is past end + lateness: the item is late.
    if (p + size + lateness <= wm) {
      stats.lateItems++;
      sinks.late(value, { timestamp: ts, watermark: wm });
      return;
    }
    let kp = store.get(key);
    if (kp === undefined) {
      kp = new KeyPanes(key);
      store.set(key, kp);
      stats.keys++;
    }
    const panes = kp.panes;
    const acc = panes.get(p);
    if (acc === undefined) {
      panes.set(p, agg.add(value, agg.createAccumulator()));
      stats.openWindows++;
      if (p > kp.maxPane) kp.maxPane = p;
    } else {
      panes.set(p, agg.add(value, acc));
    }
    if (p + slide <= wm) {
      // Windows of the item that already fired but are within the allowed lateness
      // re-fire now, latest first, as Flink's trigger does per assigned window.
      for (let start = p; start > ts - size; start -= slide) {
        const end = start + size;
        if (end <= wm && end + lateness > wm) fire(kp, end);
      }
    }
    const firstPending = wm === -Infinity ? p + slide : Math.max(p + slide, paneOf(wm) + slide);
    if (firstPending < kp.nextEnd) {
      kp.nextEnd = firstPending;
      schedule(kp);
    }
  };

  const runTimers = (upTo: number) => {
    while (timers.size > 0 && timers.peek() <= upTo) {
      const { time, entries } = timers.pop();
      for (const kp of entries) {
        if (kp.dead || kp.due !== time) continue;
        kp.due = Infinity;
        if (kp.nextEnd === time) {
          fire(kp, time);
          const next = time + slide;
          kp.nextEnd = next - size > kp.maxPane ? Infinity : next;
        }
        for (const p of kp.panes.keys()) {
          if (p + size + lateness <= time) {
            kp.panes.delete(p);
            stats.openWindows--;
          }
        }
        if (kp.fired) for (const end of kp.fired.keys()) if (end + lateness <= time) kp.fired.delete(end);
        if (kp.panes.size === 0) {
          kp.dead = true;
          store.delete(kp.key);
          stats.keys--;
        } else {
          schedule(kp);
        }
        if (stopped) return;
      }
    }
  };

  const advance = (t: number) => {
    if (t <= wm) return;
    wm = t;
    stats.watermark = t;
    if (!fireGuarded(ctx, sinks, () => runTimers(t))) stopped = true;
  };
  const onWatermark = watermarkInput({ now: () => wm, advance, stopped: () => stopped, stats }, sinks);

  const finish = () => {
    if (finished || stopped) return;
    advance(Infinity);
    finished = true;
    store.clear();
    timers.clear();
    stats.openWindows = 0;
    stats.keys = 0;
  };

  return {
    item(value, position) {
      if (stopped) return;
      if (!runItem(ctx, sinks, value, position, processItem)) stopped = true;
    },
    signal(s) {
      if (stopped) return;
      if (isWatermark(s)) {
        if (!onWatermark(s)) return;
      } else if (isEndOfStream(s)) finish();
      if (!stopped) sinks.signal(s);
    },
    finish,
    teardown() {
      finished = true;
    },
  };
}
