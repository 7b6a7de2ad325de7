import { InvalidArgumentError, watermark } from '@streamweave/core';
import { count } from '../aggregate.js';
import { runTrace, short } from '../test-support/run.js';
import { eventTimeTrigger } from '../triggers/eventTimeTrigger.js';
import { windowAggregate } from '../windowAggregate.js';
import { globalWindow, timeWindow } from '../windows.js';
import { countWindows } from './countWindows.js';
import { globalWindows } from './globalWindows.js';
import { sessionWindows } from './sessionWindows.js';
import { slidingWindows } from './slidingWindows.js';
import { tumblingWindows } from './tumblingWindows.js';
import type { WindowAssigner } from './windowAssigner.js';

const ctx = { currentProcessingTime: () => 0 };

describe('window assigners', () => {
  it('tumbling windows align to the epoch, with an optional offset, also for negative timestamps', () => {
    expect(tumblingWindows(10).assignWindows(null, 27, ctx)).toEqual([{ start: 20, end: 30 }]);
    expect(tumblingWindows(10).assignWindows(null, -3, ctx)).toEqual([{ start: -10, end: 0 }]);
    expect(tumblingWindows(10, { offset: 3 }).assignWindows(null, 27, ctx)).toEqual([{ start: 23, end: 33 }]);
    expect(tumblingWindows(10, { offset: -3 }).assignWindows(null, 27, ctx)).toEqual([{ start: 27, end: 37 }]);
    // A day window starting at midnight UTC+2, as Flink's offset example.
    const day = 86_400_000;
    const [w] = tumblingWindows(day, { offset: -2 * 3_600_000 }).assignWindows(null, Date.UTC(2026, 0, 1, 23, 0), ctx);
    expect(w).toEqual({ start: Date.UTC(2026, 0, 1, 22, 0), end: Date.UTC(2026, 0, 2, 22, 0) });
  });

  it('an item is in exactly size/slide sliding windows (latest first, as Flink)', () => {
    expect(slidingWindows(10, 5).assignWindows(null, 12, ctx)).toEqual([
      { start: 10, end: 20 },
      { start: 5, end: 15 },
    ]);
    const w = slidingWindows(60, 10, { offset: 2 }).assignWindows(null, 100, ctx);
    expect(w).toHaveLength(6);
    expect(w.every((x) => x.start <= 100 && 100 < x.end && (x.start - 2) % 10 === 0)).toBe(true);
  });

  it('the operator uses the same windows as assignWindows() (fast path)', async () => {
    const sliding = slidingWindows<number>(30, 10, { offset: 4 });
    const op = windowAggregate({ assigner: sliding, timestamp: (x: number) => x, aggregate: count<number>() });
    const seen = await runTrace(op, [25], short);
    expect(seen).toEqual(sliding.assignWindows(25, 25, ctx).slice().reverse().map((w) => `[${w.start},${w.end})=1/on-time`));
  });

  it('session windows open [t, t + gap)', () => {
    expect(sessionWindows(10).assignWindows(null, 7, ctx)).toEqual([{ start: 7, end: 17 }]);
    expect(sessionWindows(10, { time: 'processing' }).isEventTime).toBe(false);
  });

  it('global and count windows use the single global window', () => {
    expect(globalWindows().assignWindows(null, 5, ctx)).toEqual([globalWindow]);
    expect(countWindows(3).assignWindows(null, 5, ctx)).toEqual([globalWindow]);
    expect(countWindows(3).defaultEvictor!()).toBeUndefined();
  });

  it('custom assigners: several windows per item, none (counted), and windows sharing a start', async () => {
    // Windows [ts-ts%10, +10) and [same start, +20); items with ts < 0 get no window.
    const custom: WindowAssigner<number> = {
      type: 'custom',
      isEventTime: true,
      assignWindows: (_x, ts) => (ts < 0 ? [] : [{ start: ts - (ts % 10), end: ts - (ts % 10) + 10 }, { start: ts - (ts % 10), end: ts - (ts % 10) + 20 }]),
      defaultTrigger: () => eventTimeTrigger(),
    };
    const op = windowAggregate({ assigner: custom, timestamp: (x: number) => x, aggregate: count<number>() });
    const seen = await runTrace(op, [1, 2, -5, 12, watermark(10), watermark(20), 3, watermark(30)], short);
    expect(seen).toEqual(['[0,10)=2/on-time', 'W10', '[0,20)=2/on-time', '[10,20)=1/on-time', 'W20', '[10,30)=1/on-time', 'W30']);
    expect(op.inspect()).toMatchObject({ unassignedItems: 1, lateItems: 1 });
  });

  it('rejects bad sizes and offsets with InvalidArgumentError', () => {
    expect(() => tumblingWindows(0)).toThrow(InvalidArgumentError);
    expect(() => tumblingWindows(10, { offset: 10 })).toThrow(/offset/);
    expect(() => slidingWindows(10, 0)).toThrow(InvalidArgumentError);
    expect(() => slidingWindows(10, 5, { offset: 5 })).toThrow(/offset/);
    expect(() => sessionWindows(NaN)).toThrow(InvalidArgumentError);
  });
});

describe('timeWindow', () => {
  it('builds a window and rejects start >= end', () => {
    expect(timeWindow(0, 10)).toEqual({ start: 0, end: 10 });
    expect(() => timeWindow(10, 10)).toThrow('timeWindow: expected start < end, got [10, 10)');
  });
});
