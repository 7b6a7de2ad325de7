/**
 * Windowing benchmarks (ratios measured in one run):
 *  1. keyed event-time tumbling count, 10M events / 10k keys, through a full
 *     pipeline run, vs a hand-written loop computing the same result;
 *  2. sliding windows (size = 60 × slide) with incremental aggregation vs 1.
 *
 * Run: pnpm --filter @streamweave/windowing bench   (EVENTS=2000000 for a quick run)
 */
import { defineConsumer, defineProducer, isSignal, map, pipeline, VirtualClock, watermark, type Element, type NodeContext } from '@streamweave/core';
import { Subject } from 'rxjs';
import { count, slidingWindows, tumblingWindows, windowAggregate, type WindowResult } from '@streamweave/windowing';

interface Ev {
  k: number;
  ts: number;
}
const EVENTS = Number(process.env.EVENTS ?? 10_000_000);
const KEYS = 10_000;
const PER_MS = 100; // 100 events per ms of event time
const WM_EVERY = 10_000; // a watermark every 10k events
const WINDOW = 1_000;

/** The event stream: key i % KEYS, timestamp i / PER_MS, in-order, with periodic watermarks. */
const events = (n: number) =>
  defineProducer<Ev>('events', {}, undefined, () => {
    let i = 0;
    return {
      pull(emit: (el: Element<Ev>) => void, demand: number) {
        const end = Math.min(n, i + demand);
        for (; i < end; i++) {
          const ts = Math.floor(i / PER_MS);
          emit({ k: i % KEYS, ts });
          if (i % WM_EVERY === WM_EVERY - 1) emit(watermark(ts));
        }
        return i < n;
      },
    };
  });

const summing = () =>
  defineConsumer<WindowResult<number, number>, { windows: number; total: number }>('summing', {}, undefined, () => {
    let windows = 0;
    let total = 0;
    return {
      item(r) {
        windows++;
        total += (r as WindowResult<number, number>).result;
      },
      complete: () => ({ windows, total }),
    };
  });

function handLoop(n: number): { windows: number; total: number } {
  const perKey = new Map<number, Map<number, number>>();
  let windows = 0;
  let total = 0;
  const flush = (wm: number) => {
    for (const [k, ws] of perKey) {
      for (const [start, c] of ws) {
        if (start + WINDOW <= wm) {
          windows++;
          total += c;
          ws.delete(start);
        }
      }
      if (ws.size === 0) perKey.delete(k);
    }
  };
  for (let i = 0; i < n; i++) {
    const e = { k: i % KEYS, ts: Math.floor(i / PER_MS) };
    const start = e.ts - (e.ts % WINDOW);
    let ws = perKey.get(e.k);
    if (!ws) perKey.set(e.k, (ws = new Map()));
    ws.set(start, (ws.get(start) ?? 0) + 1);
    if (i % WM_EVERY === WM_EVERY - 1) flush(e.ts);
  }
  flush(Infinity);
  return { windows, total };
}

/**
 * Times `fn`, by wall clock and by this process's CPU time: on a shared machine
 * the CPU-time rate is the one-core figure, the wall-clock one depends on the load.
 */
async function time<R>(label: string, n: number, fn: () => Promise<R> | R): Promise<{ ms: number; r: R; rate: number; cpuRate: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000;
  const rate = n / (ms / 1000);
  const cpuRate = n / (cpuMs / 1000);
  console.log(
    `${label.padEnd(48)} ${ms.toFixed(0).padStart(7)} ms wall ${(rate / 1e6).toFixed(2).padStart(6)} M/s | ${cpuMs.toFixed(0).padStart(7)} ms cpu ${(cpuRate / 1e6).toFixed(2).padStart(6)} M/s  ${JSON.stringify(r)}`,
  );
  return { ms, r, rate, cpuRate };
}

const tumbling = () =>
  pipeline()
    .from(events(EVENTS))
    .pipe(windowAggregate({ assigner: tumblingWindows<Ev>(WINDOW), timestamp: (e: Ev) => e.ts, key: (e: Ev) => e.k, aggregate: count() }))
    .to(summing())
    .run()
    .then((x) => x.result);

/** The runtime's own cost: the same source and sink around a pass-through map. */
const passThrough = () =>
  pipeline()
    .from(events(EVENTS))
    .pipe(map((e: Ev) => ({ key: e.k, window: { start: 0, end: 0 }, result: 1, timing: 'on-time' as const, firing: 0 })))
    .to(summing())
    .run()
    .then((x) => x.result);

/** The operator alone: its transformer fed from a Subject, without the pipeline runtime around it. */
function operatorOnly(): { windows: number; total: number } {
  const op = windowAggregate({ assigner: tumblingWindows<Ev>(WINDOW), timestamp: (e: Ev) => e.ts, key: (e: Ev) => e.k, aggregate: count() });
  const ctx = { id: 'w', component: { id: 'w', type: 'windowAggregate' }, clock: new VirtualClock(), stats: { in: 0, out: 0, errors: 0, skipped: 0 }, extensions: {}, fail: () => ({ action: 'stop' }) } as unknown as NodeContext;
  const input = new Subject<Element<Ev>>();
  let windows = 0;
  let total = 0;
  op.apply(input, ctx).subscribe((r) => {
    if (isSignal(r)) return;
    windows++;
    total += (r as WindowResult<number, number>).result;
  });
  for (let i = 0; i < EVENTS; i++) {
    const ts = Math.floor(i / PER_MS);
    input.next({ k: i % KEYS, ts });
    if (i % WM_EVERY === WM_EVERY - 1) input.next(watermark(ts));
  }
  input.complete();
  return { windows, total };
}

const SLIDE = 100;
const SLIDING_EVENTS = Math.max(1, Math.floor(EVENTS / 10));
const UNSLICED_EVENTS = Math.max(1, Math.floor(EVENTS / 100));
const sliding = (n = SLIDING_EVENTS, slicing = true) =>
  pipeline()
    .from(events(n))
    .pipe(windowAggregate({ assigner: slidingWindows<Ev>(60 * SLIDE, SLIDE), timestamp: (e: Ev) => e.ts, key: (e: Ev) => e.k, aggregate: count(), slicing }))
    .to(summing())
    .run()
    .then((x) => x.result);

console.log(`node ${process.version}, ${EVENTS} events, ${KEYS} keys, tumbling ${WINDOW} ms; sliding ${60 * SLIDE}/${SLIDE} ms on ${SLIDING_EVENTS} events (${UNSLICED_EVENTS} without slicing)`);
// Warm-up so both sides run optimized code.
handLoop(Math.min(EVENTS, 500_000));
await time('warm-up', Math.min(EVENTS, 500_000), () => pipeline().from(events(Math.min(EVENTS, 500_000))).pipe(windowAggregate({ assigner: tumblingWindows<Ev>(WINDOW), timestamp: (e: Ev) => e.ts, key: (e: Ev) => e.k, aggregate: count() })).to(summing()).run().then((x) => x.result));

const base = await time('hand-written loop (Map per key)', EVENTS, () => handLoop(EVENTS));
const floor = await time('runtime floor: pass-through map (pipeline run)', EVENTS, passThrough);
const tum = await time('windowAggregate tumbling count (pipeline run)', EVENTS, tumbling);
const only = await time('windowAggregate tumbling count (operator only)', EVENTS, operatorOnly);
if (only.r.total !== base.r.total) throw new Error('operator-only result differs');
if (base.r.total !== tum.r.total || base.r.windows !== tum.r.windows) throw new Error('tumbling result differs from the hand-written loop');
const sld = await time('windowAggregate sliding 60×slide count', SLIDING_EVENTS, () => sliding());
const unsliced = await time('  same, slicing: false (EVENTS / 100)', UNSLICED_EVENTS, () => sliding(UNSLICED_EVENTS, false));
if (sld.r.total !== SLIDING_EVENTS * 60) throw new Error(`sliding total ${sld.r.total} != ${SLIDING_EVENTS * 60}`);
const ratio = (a: { rate: number; cpuRate: number }, b: { rate: number; cpuRate: number }) =>
  `${(a.rate / b.rate).toFixed(3)} (wall), ${(a.cpuRate / b.cpuRate).toFixed(3)} (cpu)`;
console.log(`\nload average: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`tumbling (pipeline run) / hand-written loop:   ${ratio(tum, base)}`);
console.log(`tumbling (operator only) / hand-written loop:  ${ratio(only, base)}`);
console.log(`tumbling (pipeline run) / pass-through pipeline: ${ratio(tum, floor)}`);
console.log(`sliding 60×slide / tumbling (pipeline runs):   ${ratio(sld, tum)}`);
console.log(`sliding without / with slicing:               ${ratio(unsliced, sld)}`);
