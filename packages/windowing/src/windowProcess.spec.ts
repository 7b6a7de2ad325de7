import { InvalidArgumentError, watermark } from '@streamweave/core';
import { count } from './aggregate.js';
import { sessionWindows } from './assigners/sessionWindows.js';
import { tumblingWindows } from './assigners/tumblingWindows.js';
import { runTrace, short } from './test-support/run.js';
import { countTrigger } from './triggers/countTrigger.js';
import { continuousEventTimeTrigger } from './triggers/continuousEventTimeTrigger.js';
import { windowAggregate } from './windowAggregate.js';
import { windowProcess } from './windowProcess.js';
import { windowReduce } from './windowReduce.js';

interface Ev {
  k: string;
  ts: number;
  v: number;
}
const ev = (k: string, ts: number, v = 1): Ev => ({ k, ts, v });

describe('windowProcess', () => {
  it('sees every item of the window with the key and the window bounds', async () => {
    const op = windowProcess({
      assigner: tumblingWindows<Ev>(10),
      timestamp: (e: Ev) => e.ts,
      key: (e: Ev) => e.k,
      process: (items: Ev[], info) => `${info.key}:${items.map((i) => i.ts).join('+')}@${info.window.start}-${info.window.end}/wm${info.currentWatermark}`,
    });
    const seen = await runTrace(op, [ev('a', 3), ev('b', 4), ev('a', 1), watermark(10)], (r) => r.result);
    expect(seen).toEqual(['a:3+1@0-10/wm10', 'b:4@0-10/wm10', 'W10']);
  });

  it('rejects a missing process function', () => {
    expect(() => windowProcess({ assigner: tumblingWindows(10), timestamp: () => 0 } as never)).toThrow(InvalidArgumentError);
  });
});

describe('session windows', () => {
  const sessions = (lateness = 0) =>
    windowProcess({
      assigner: sessionWindows<Ev>(10),
      timestamp: (e: Ev) => e.ts,
      key: (e: Ev) => e.k,
      allowedLateness: lateness,
      process: (items: Ev[]) => items.map((i) => i.ts).sort((a, b) => a - b).join(','),
    });

  it('closes a session after the gap without items, per key', async () => {
    const seen = await runTrace(sessions(), [ev('a', 0), ev('a', 5), ev('b', 7), ev('a', 30), watermark(40)], short);
    expect(seen).toEqual(['a[0,15)="0,5"/on-time', 'b[7,17)="7"/on-time', 'a[30,40)="30"/on-time', 'W40']);
  });

  it('merges two sessions when a late item bridges them (Flink session merge)', async () => {
    const op = sessions(20);
    const seen = await runTrace(op, [ev('a', 0), ev('a', 15), watermark(12), ev('a', 8), watermark(30)], short);
    // [0,10) fired on time; the late item at 8 opens [8,18), which overlaps [0,10) and [15,25): one session [0,25).
    expect(seen).toEqual(['a[0,10)="0"/on-time', 'W12', 'a[0,25)="0,8,15"/on-time', 'W30']);
    expect(op.inspect().openWindows).toBe(0);
  });

  it('merges incremental accumulators with the aggregate function merge()', async () => {
    const op = windowAggregate({ assigner: sessionWindows<Ev>(10), timestamp: (e: Ev) => e.ts, aggregate: count<Ev>() });
    const seen = await runTrace(op, [ev('a', 0), ev('a', 20), ev('a', 40), ev('a', 10), ev('a', 30), ev('a', 31)], short);
    expect(seen).toEqual(['[0,50)=6/on-time']);
  });

  it('merges reduce values and count-trigger state', async () => {
    const op = windowReduce({
      assigner: sessionWindows<Ev>(10),
      timestamp: (e: Ev) => e.ts,
      trigger: countTrigger(3),
      reduce: (a: Ev, b: Ev) => ({ k: a.k, ts: Math.max(a.ts, b.ts), v: a.v + b.v }),
    });
    const seen = await runTrace(op, [ev('a', 0, 1), ev('a', 20, 2), ev('a', 10, 4), ev('a', 12, 8)], (r) => `${r.window.start}-${r.window.end}:${r.result.v}`);
    // 0 and 20 are separate (count 1 each); 10 merges them (count 1+1+1 = 3 → fires 7); 12 adds 1 more.
    expect(seen).toEqual(['0-30:7']);
  });

  it('supports a per-item gap (dynamic gap) and rejects a bad one', async () => {
    const op = windowAggregate({ assigner: sessionWindows((e: Ev) => e.v), timestamp: (e: Ev) => e.ts, aggregate: count<Ev>() });
    expect(await runTrace(op, [ev('a', 0, 5), ev('a', 4, 20), ev('a', 30, 5)], short)).toEqual(['[0,24)=2/on-time', '[30,35)=1/on-time']);
    const bad = windowAggregate({ assigner: sessionWindows(() => -1), timestamp: (e: Ev) => e.ts, aggregate: count<Ev>() });
    await expect(runTrace(bad, [ev('a', 0)])).rejects.toThrow(/gap function must return a positive number of ms, got -1/);
  });

  it('re-registers early firings of a continuous trigger across merges', async () => {
    const op = windowAggregate({ assigner: sessionWindows<Ev>(10), timestamp: (e: Ev) => e.ts, trigger: continuousEventTimeTrigger(5), aggregate: count<Ev>() });
    const seen = await runTrace(op, [ev('a', 1), ev('a', 13), ev('a', 9), watermark(6), watermark(23)], short);
    expect(seen).toEqual(['[1,23)=3/early', 'W6', '[1,23)=3/early', '[1,23)=3/early', '[1,23)=3/early', '[1,23)=3/on-time', 'W23']);
  });

  it('rejects an aggregate without merge() and a trigger that cannot merge', () => {
    const noMerge = { createAccumulator: () => 0, add: (_: Ev, a: number) => a + 1, getResult: (a: number) => a };
    expect(() => windowAggregate({ assigner: sessionWindows<Ev>(10), timestamp: (e: Ev) => e.ts, aggregate: noMerge })).toThrow(/merge\(\)/);
    const trigger = { onElement: () => 'CONTINUE' as const, onEventTime: () => 'CONTINUE' as const, onProcessingTime: () => 'CONTINUE' as const };
    expect(() => windowAggregate({ assigner: sessionWindows<Ev>(10), timestamp: (e: Ev) => e.ts, aggregate: count(), trigger })).toThrow(/can merge/);
    expect(() => sessionWindows(0)).toThrow(InvalidArgumentError);
  });
});
