import { checkpointBarrier, type Element, InvalidArgumentError, isSignal, isWatermark, VirtualClock, watermark } from '@streamweave/core';
import { Subject } from 'rxjs';
import { fakeCtx, runTrace } from '../test-support/run.js';
import { assignTimestampsAndWatermarks } from './assignTimestampsAndWatermarks.js';
import { boundedOutOfOrderness } from './boundedOutOfOrderness.js';
import { monotonousTimestamps } from './monotonousTimestamps.js';
import { punctuatedWatermarks } from './punctuatedWatermarks.js';
import type { WatermarkGeneratorFactory } from './watermarkGenerator.js';

interface Ev {
  p: string;
  ts: number;
  mark?: boolean;
}
const ev = (p: string, ts: number, mark?: boolean): Ev => (mark ? { p, ts, mark } : { p, ts });
const show = (e: Ev) => `${e.p}${e.ts}`;

/** Drives an operator from a Subject under a virtual clock, recording items and watermarks. */
function drive(op: ReturnType<typeof assignTimestampsAndWatermarks<Ev>>, clock: VirtualClock) {
  const input = new Subject<Element<Ev>>();
  const seen: string[] = [];
  op.apply(input as never, fakeCtx(clock, 'assignTimestampsAndWatermarks')).subscribe((el) => {
    if (isWatermark(el)) seen.push(`${el.idle ? "I" : "W"}${el.timestamp}`);
    else if (!isSignal(el)) seen.push(show(el as Ev));
  });
  return { input, seen };
}

describe('assignTimestampsAndWatermarks', () => {
  it('bounded out-of-orderness: the watermark trails the highest timestamp by the bound (per item with periodMs 0)', async () => {
    const op = assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: boundedOutOfOrderness(5), periodMs: 0 });
    expect(await runTrace(op, [ev('a', 10), ev('a', 7), ev('a', 12), ev('a', 11)], show)).toEqual(['a10', 'W5', 'a7', 'a12', 'W7', 'a11']);
    expect(op.inspect()).toMatchObject({ watermark: 7, partitions: 1, regressions: 0 });
  });

  it('monotonous timestamps: the watermark follows the highest timestamp', async () => {
    const op = assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: monotonousTimestamps(), periodMs: 0 });
    expect(await runTrace(op, [ev('a', 1), ev('a', 2), ev('a', 2)], show)).toEqual(['a1', 'W1', 'a2', 'W2', 'a2']);
  });

  it('punctuated watermarks are emitted right after the marking item', async () => {
    const op = assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: punctuatedWatermarks((e: Ev, ts) => (e.mark ? ts : undefined)) });
    expect(await runTrace(op, [ev('a', 1), ev('a', 4, true), ev('a', 3), ev('a', 9, true)], show)).toEqual(['a1', 'a4', 'W4', 'a3', 'a9', 'W9']);
  });

  it('periodic emission runs on the clock (virtual time)', async () => {
    const clock = new VirtualClock(0);
    const op = assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: boundedOutOfOrderness(2), periodMs: 100 });
    const { input, seen } = drive(op, clock);
    input.next(ev('a', 10));
    input.next(ev('a', 20));
    expect(seen).toEqual(['a10', 'a20']);
    await clock.advanceBy(100);
    expect(seen).toEqual(['a10', 'a20', 'W18']);
    await clock.advanceBy(100);
    expect(seen).toEqual(['a10', 'a20', 'W18']);
    input.next(ev('a', 25));
    await clock.advanceBy(100);
    expect(seen).toEqual(['a10', 'a20', 'W18', 'a25', 'W23']);
    input.complete();
    expect(clock.pendingTimers).toBe(0);
  });

  it('per-partition watermarks combine as the minimum', async () => {
    const op = assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: monotonousTimestamps(), partition: (e: Ev) => e.p, periodMs: 0 });
    expect(await runTrace(op, [ev('a', 10), ev('b', 3), ev('a', 20), ev('b', 15), ev('b', 30), ev('a', 25)], show)).toEqual([
      'a10', 'W10', 'b3', 'a20', 'b15', 'W15', 'b30', 'W20', 'a25', 'W25',
    ]);
    expect(op.inspect().partitions).toBe(2);
  });

  it('idle partition: a quiet partition stops holding the watermark back after idleTimeoutMs (on by default) and rejoins when it produces', async () => {
    const clock = new VirtualClock(0);
    const op = assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: monotonousTimestamps(), partition: (e: Ev) => e.p, periodMs: 1_000 });
    const { input, seen } = drive(op, clock);
    input.next(ev('a', 100));
    input.next(ev('b', 50));
    await clock.advanceBy(1_000);
    expect(seen).toEqual(['a100', 'b50', 'W50']);
    // Only partition a keeps producing; b is quiet.
    for (let t = 1; t <= 58; t++) {
      input.next(ev('a', 100 + t * 1000));
      await clock.advanceBy(1_000);
    }
    expect(seen.filter((s) => s.startsWith('W'))).toEqual(['W50']);
    expect(op.inspect().idlePartitions).toBe(0);
    input.next(ev('a', 59_100));
    await clock.advanceBy(1_000); // b has been quiet for 60 s (the default idle timeout): excluded
    expect(seen.slice(-2)).toEqual(['a59100', 'W59100']);
    expect(op.inspect().idlePartitions).toBe(1);
    // b comes back behind the watermark: it holds it again, and the watermark never goes backwards.
    input.next(ev('b', 59_000));
    input.next(ev('a', 70_000));
    await clock.advanceBy(1_000);
    expect(seen.slice(-2)).toEqual(['b59000', 'a70000']);
    expect(op.inspect()).toMatchObject({ idlePartitions: 0, watermark: 59_100 });
    input.next(ev('b', 80_000));
    await clock.advanceBy(1_000);
    expect(seen.slice(-2)).toEqual(['b80000', 'W70000']);
    input.complete();
  });

  it('without idleness (idleTimeoutMs: Infinity) a quiet partition holds the watermark back', async () => {
    const clock = new VirtualClock(0);
    const op = assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: monotonousTimestamps(), partition: (e: Ev) => e.p, periodMs: 1_000, idleTimeoutMs: Infinity });
    const { input, seen } = drive(op, clock);
    input.next(ev('a', 100));
    input.next(ev('b', 50));
    await clock.advanceBy(1_000);
    input.next(ev('a', 500_000));
    await clock.advanceBy(300_000);
    expect(seen.filter((s) => s.startsWith('W'))).toEqual(['W50']);
    input.complete();
  });

  it('idle detection also runs with per-item emission (periodMs 0), on an idle-timeout timer', async () => {
    const clock = new VirtualClock(0);
    const op = assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: monotonousTimestamps(), partition: (e: Ev) => e.p, periodMs: 0, idleTimeoutMs: 500 });
    const { input, seen } = drive(op, clock);
    input.next(ev('b', 5));
    input.next(ev('a', 10));
    await clock.advanceBy(400);
    input.next(ev('a', 20));
    await clock.advanceBy(600);
    // b went idle at 500 (W20: a alone decides); at 1000 a is quiet too: the whole stream is idle (I20).
    expect(seen).toEqual(['b5', 'W5', 'a10', 'a20', 'W20', 'I20']);
    input.complete();
  });

  it('a generator cannot move the watermark backwards: the attempt is ignored and counted', async () => {
    const emits = [10, 5, NaN, 12, 12];
    const wobbly: WatermarkGeneratorFactory<Ev> = () => {
      let i = 0;
      return { onEvent: (_e, _ts, out) => out.emitWatermark(emits[i++]!), onPeriodicEmit: () => undefined };
    };
    const op = assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: wobbly });
    expect(await runTrace(op, emits.map((_, i) => ev('a', i)), show)).toEqual(['a0', 'W10', 'a1', 'a2', 'a3', 'W12', 'a4']);
    expect(op.inspect().regressions).toBe(2);
  });

  it('a generator can mark its partition idle; upstream watermarks are replaced; barriers pass in order', async () => {
    const idleAfterFirst: WatermarkGeneratorFactory<Ev> = () => ({
      onEvent: (e, ts, out) => (e.mark ? out.markIdle() : out.emitWatermark(ts)),
      onPeriodicEmit: () => undefined,
    });
    const op = assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: idleAfterFirst, partition: (e: Ev) => e.p });
    const seen = await runTrace(op, [ev('a', 5), ev('b', 1, true), watermark(100), checkpointBarrier(3, 0) as never, ev('b', 8), ev('a', 9), ev('b', 2, true)], show);
    expect(seen).toEqual(['a5', 'W5', 'b1', 'B3', 'b8', 'a9', 'W8', 'b2', 'W9']);
  });

  it('rejects bad strategies', () => {
    expect(() => assignTimestampsAndWatermarks(null as never)).toThrow(InvalidArgumentError);
    expect(() => assignTimestampsAndWatermarks({ timestamp: 1 as never, watermarks: monotonousTimestamps() })).toThrow(/timestamp/);
    expect(() => assignTimestampsAndWatermarks({ timestamp: () => 0, watermarks: monotonousTimestamps(), idleTimeoutMs: 0 })).toThrow(/idleTimeoutMs/);
    expect(() => assignTimestampsAndWatermarks({ timestamp: () => 0, watermarks: monotonousTimestamps(), periodMs: -1 })).toThrow(/periodMs/);
    expect(() => boundedOutOfOrderness(-1)).toThrow(InvalidArgumentError);
    expect(() => punctuatedWatermarks(null as never)).toThrow(InvalidArgumentError);
  });
});
