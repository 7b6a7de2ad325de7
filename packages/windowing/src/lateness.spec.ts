import { checkpointBarrier, collect, defineConsumer, fromArray, fromObservable, graph, isWatermark, pipeline, VirtualClock, watermark } from '@streamweave/core';
import { Subject } from 'rxjs';
import { count } from './aggregate.js';
import { slidingWindows } from './assigners/slidingWindows.js';
import { tumblingWindows } from './assigners/tumblingWindows.js';
import { heapWindowState, type WindowStateBackend } from './state/windowState.js';
import { mulberry32, randomInt } from './test-support/prng.js';
import { runTrace, short, trace } from './test-support/run.js';
import { assignTimestampsAndWatermarks } from './watermarks/assignTimestampsAndWatermarks.js';
import { monotonousTimestamps } from './watermarks/monotonousTimestamps.js';
import { windowAggregate } from './windowAggregate.js';
import { windowStateExtension } from './internal/windowOperator.js';

interface Ev {
  k: string;
  ts: number;
}
const ev = (k: string, ts: number): Ev => ({ k, ts });
const base = { assigner: tumblingWindows<Ev>(10), timestamp: (e: Ev) => e.ts, aggregate: count<Ev>() };

describe('allowed lateness and late data', () => {
  it('re-fires a window with the accumulated result for each item within the allowed lateness', async () => {
    const op = windowAggregate({ ...base, allowedLateness: 5 });
    const seen = await runTrace(op, [ev('a', 1), ev('a', 3), watermark(10), ev('a', 4), ev('a', 9), watermark(14), ev('a', 2)], short);
    expect(seen).toEqual(['[0,10)=2/on-time', 'W10', '[0,10)=3/late', '[0,10)=4/late', 'W14', '[0,10)=5/late']);
    expect(op.inspect().lateItems).toBe(0);
  });

  it('in discarding mode, each re-firing carries only the items since the previous firing', async () => {
    const op = windowAggregate({ ...base, allowedLateness: 5, accumulation: 'discarding' });
    const seen = await runTrace(op, [ev('a', 1), ev('a', 3), watermark(10), ev('a', 4), ev('a', 9)], short);
    expect(seen).toEqual(['[0,10)=2/on-time', 'W10', '[0,10)=1/late', '[0,10)=1/late']);
  });

  it('sends items later than the allowed lateness to the lateData callback and counts them', async () => {
    const late: string[] = [];
    const op = windowAggregate({ ...base, allowedLateness: 5, lateData: (e, info) => late.push(`${e.ts}@${info.watermark}`) });
    const seen = await runTrace(op, [ev('a', 1), watermark(15), ev('a', 4), ev('a', 15), watermark(20)], short);
    expect(seen).toEqual(['[0,10)=1/on-time', 'W15', '[10,20)=1/on-time', 'W20']);
    expect(late).toEqual(['4@15']);
    expect(op.inspect().lateItems).toBe(1);
  });

  it('counts late items even without a late-data route (nothing is dropped silently)', async () => {
    const op = windowAggregate(base);
    await runTrace(op, [ev('a', 11), watermark(20), ev('a', 3), ev('a', 19)]);
    expect(op.inspect().lateItems).toBe(2);
  });

  it('routes late items to the `late` port of withLateOutput() in a graph, with their own consumer', async () => {
    const op = windowAggregate({ ...base, key: (e: Ev) => e.k }).withLateOutput();
    expect(op.descriptor.outputs).toEqual(['out', 'late']);
    const g = graph()
      .source('src', fromArray<Ev>([ev('a', 1), ev('b', 2), watermark(10) as never, ev('a', 5), ev('b', 12)]))
      .node('win', op)
      .sink('results', collect())
      .sink('late', collect())
      .connect('src', 'win.in')
      .connect('win.out', 'results')
      .connect('win.late', 'late')
      .build();
    const { result, stats } = await g.run();
    expect((result.results as Array<{ key: string; result: number }>).map((r) => `${r.key}=${r.result}`)).toEqual(['a=1', 'b=1', 'b=1']);
    expect(result.late).toEqual([ev('a', 5)]);
    expect(stats.win).toMatchObject({ in: 4, out: 3 });
  });

  it('releases window state once the watermark passes end + allowed lateness', async () => {
    const op = windowAggregate({ ...base, key: (e: Ev) => e.k, allowedLateness: 5 });
    const probe = defineConsumer<unknown, string[]>('probe', {}, undefined, () => {
      const seen: string[] = [];
      return {
        item: () => undefined,
        signal: (s) => {
          if (isWatermark(s)) seen.push(`W${s.timestamp}:${op.inspect().openWindows}/${op.inspect().keys}`);
        },
        complete: () => seen,
      };
    });
    const { result } = await pipeline()
      .from(fromArray<Ev>([ev('a', 1), ev('b', 2), ev('a', 12), watermark(10) as never, watermark(14) as never, watermark(15) as never, watermark(25) as never]))
      .pipe(op)
      .to(probe)
      .run();
    expect(result).toEqual(['W10:3/2', 'W14:3/2', 'W15:1/1', 'W25:0/0']);
  });

  it('keeps state bounded by the open windows over a long out-of-order stream (seeded)', async () => {
    const random = mulberry32(42);
    const input: Array<Ev | ReturnType<typeof watermark>> = [];
    let maxTs = 0;
    for (let i = 0; i < 20_000; i++) {
      const ts = i + randomInt(random, 30) - 15;
      maxTs = Math.max(maxTs, ts);
      input.push(ev(`k${randomInt(random, 5)}`, ts));
      if (i % 50 === 49) input.push(watermark(maxTs - 20));
    }
    const op = windowAggregate({ ...base, key: (e: Ev) => e.k, allowedLateness: 10 });
    let maxOpen = 0;
    const probe = defineConsumer<{ result: number }, number>('probe', {}, undefined, () => {
      let total = 0;
      return {
        item: (r) => {
          maxOpen = Math.max(maxOpen, op.inspect().openWindows);
          total += (r as { result: number; timing: string; firing: number }).firing === 0 ? (r as { result: number }).result : 0;
        },
        complete: () => total,
      };
    });
    await pipeline().from(fromArray(input as Ev[])).pipe(op).to(probe).run();
    // ~10 000 windows are created in total; open at once are only those between
    // watermark − lateness (the watermark lags ≤ 20 + 15 jitter + 50 items) and the
    // newest item: ≤ 10 windows of 10 ms per key.
    expect(maxOpen).toBeGreaterThan(5);
    expect(maxOpen).toBeLessThanOrEqual(5 * 10);
    expect(op.inspect()).toMatchObject({ openWindows: 0, keys: 0 });
  });

  it('does not forward watermarks that do not advance, and counts regressions', async () => {
    const op = windowAggregate(base);
    const seen = await runTrace(op, [ev('a', 1), watermark(10), watermark(5), watermark(10), watermark(12)], short);
    expect(seen).toEqual(['[0,10)=1/on-time', 'W10', 'W12']);
    expect(op.inspect().watermarkRegressions).toBe(1);
    const sliced = windowAggregate({ ...base, assigner: slidingWindows<Ev>(10, 5) });
    expect(await runTrace(sliced, [ev('a', 1), watermark(10), watermark(5), watermark(12)], short)).toEqual(['[-5,5)=1/on-time', '[0,10)=1/on-time', 'W10', 'W12']);
    expect(sliced.inspect().watermarkRegressions).toBe(1);
  });

  it('forwards checkpoint barriers in order with the window results', async () => {
    const op = windowAggregate(base);
    const seen = await runTrace(op, [ev('a', 1), checkpointBarrier(1, 0) as never, watermark(10), ev('a', 12), checkpointBarrier(2, 0) as never], short);
    expect(seen).toEqual(['B1', '[0,10)=1/on-time', 'W10', 'B2', '[10,20)=1/on-time']);
  });

  it('keeps window state in the given keyed-state backend (option or run extension)', async () => {
    const stores: string[] = [];
    const backend: WindowStateBackend = {
      keyed: (id, name) => {
        stores.push(`${id}/${name}`);
        return heapWindowState().keyed(id, name);
      },
    };
    await runTrace(windowAggregate({ ...base, state: backend, name: 'w1' }), [ev('a', 1)]);
    await runTrace(windowAggregate({ ...base, name: 'w2' }), [ev('a', 1)], undefined, { extensions: { [windowStateExtension]: backend } });
    expect(stores).toEqual(['w1/windows', 'w2/windows']);
  });
});

describe('watermarks across graph inputs', () => {
  it('a window fed by two inputs fires by the minimum of their watermarks (core alignedMerge)', async () => {
    const wm = () => assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: monotonousTimestamps<Ev>(), periodMs: 0 });
    const win = windowAggregate({ ...base, key: (e: Ev) => e.k });
    const g = graph()
      .source('fast', fromArray<Ev>([ev('a', 1), ev('a', 12), ev('a', 25)]))
      .source('slow', fromArray<Ev>([ev('b', 2)]))
      .transform('wmFast', wm())
      .transform('wmSlow', wm())
      .transform('win', win)
      .sink('out', trace(short))
      .connect('fast', 'wmFast')
      .connect('slow', 'wmSlow')
      .connect('wmFast', 'win')
      .connect('wmSlow', 'win')
      .connect('win', 'out')
      .build();
    const { result } = await g.run();
    const out = result.out as string[];
    // Nothing fires while the slow input's watermark is 2; everything fires when it ends.
    expect(out.filter((s) => !s.startsWith('W')).sort()).toEqual(['a[0,10)=1/on-time', 'a[10,20)=1/on-time', 'a[20,30)=1/on-time', 'b[0,10)=1/on-time']);
    // The fast input's watermarks 1, 12 and 25 never pass the merge alone: the first
    // watermark the window sees is the slow input's 2, and nothing fired before it.
    expect(out[0]).toBe('W2');
    expect(out).not.toContain('W1');
    expect(out).not.toContain('W12');
  });

  it('an idle input stops holding the merged watermark back (idle detection across graph inputs), and rejoins', async () => {
    const clock = new VirtualClock(0);
    const wm = () => assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: monotonousTimestamps<Ev>(), periodMs: 1_000, idleTimeoutMs: 5_000 });
    const win = windowAggregate({ ...base, key: (e: Ev) => e.k });
    const fast = new Subject<Ev>();
    const quiet = new Subject<Ev>();
    const g = graph()
      .source('fast', fromObservable(fast))
      .source('quiet', fromObservable(quiet))
      .transform('wmFast', wm())
      .transform('wmQuiet', wm())
      .transform('win', win)
      .sink('out', trace(short))
      .connect('fast', 'wmFast')
      .connect('quiet', 'wmQuiet')
      .connect('wmFast', 'win')
      .connect('wmQuiet', 'win')
      .connect('win', 'out')
      .build();
    const running = g.run({ clock });
    await clock.advanceBy(0);
    quiet.next(ev('q', 3));
    fast.next(ev('a', 1));
    for (let t = 1; t <= 3; t++) {
      await clock.advanceBy(1_000);
      fast.next(ev('a', 10 * t + 2));
    }
    await clock.advanceBy(1_000); // clock 4 000: the quiet input (last item at 0) still holds event time at 3
    expect(win.inspect()).toMatchObject({ watermark: 3, firings: 0 });
    await clock.advanceBy(1_000); // clock 5 000: quiet for 5 s, so idle; the fast input alone moves event time to 32
    expect(win.inspect()).toMatchObject({ watermark: 32, firings: 4 });
    // The quiet input produces again: it rejoins at its watermark (3), so event time waits for it; 55 is on time.
    quiet.next(ev('q', 55));
    fast.next(ev('a', 90));
    expect(win.inspect()).toMatchObject({ watermark: 32, lateItems: 0 });
    await clock.advanceBy(1_000); // both inputs emit again: min(90, 55)
    expect(win.inspect()).toMatchObject({ watermark: 55, firings: 5 });
    fast.complete();
    quiet.complete();
    await clock.advanceBy(1_000);
    const { result } = await running;
    const firings = (result.out as string[]).filter((s) => !s.startsWith('W') && !s.startsWith('I'));
    expect(firings.slice(0, 4).sort()).toEqual(['a[0,10)=1/on-time', 'a[10,20)=1/on-time', 'a[20,30)=1/on-time', 'q[0,10)=1/on-time']);
    expect(firings[4]).toBe('a[30,40)=1/on-time');
    expect(firings.slice(5).sort()).toEqual(['a[90,100)=1/on-time', 'q[50,60)=1/on-time']);
    // The fast input was never quiet, so the merged stream never was: no idle watermark reached the sink.
    expect((result.out as string[]).filter((s) => s.startsWith('I'))).toEqual([]);
  });

  it('window operators forward the watermark status (idle once, active again) without moving event time back', async () => {
    const items = [ev('a', 1), watermark(5, { idle: true }), watermark(5, { idle: true }), watermark(5), watermark(12), watermark(12, { idle: true }), watermark(3)];
    expect(await runTrace(windowAggregate(base), items as never, short)).toEqual(['I5', 'W5', '[0,10)=1/on-time', 'W12', 'I12', 'W12']);
    const sliding = windowAggregate({ ...base, assigner: slidingWindows<Ev>(10, 5) });
    expect(await runTrace(sliding, items as never, short)).toEqual(['[-5,5)=1/on-time', 'I5', 'W5', '[0,10)=1/on-time', 'W12', 'I12', 'W12']);
  });
});
