import { InvalidArgumentError, watermark } from '@streamweave/core';
import { count, sum } from './aggregate.js';
import { slidingWindows } from './assigners/slidingWindows.js';
import { tumblingWindows } from './assigners/tumblingWindows.js';
import { rows, runOp, runTrace, short } from './test-support/run.js';
import { windowAggregate } from './windowAggregate.js';

interface Ev {
  k: string;
  ts: number;
  v?: number;
}
const ev = (k: string, ts: number, v = 1): Ev => ({ k, ts, v });

describe('windowAggregate', () => {
  it('counts per key in event-time tumbling windows, firing when the watermark passes the window end', async () => {
    const op = windowAggregate({ assigner: tumblingWindows(10), timestamp: (e: Ev) => e.ts, key: (e) => e.k, aggregate: count() });
    const out = await runOp(op, [ev('a', 1), ev('b', 2), ev('a', 9), watermark(9), ev('a', 10), watermark(10), ev('b', 15)]);
    expect(rows(out)).toEqual([
      ['a', 0, 10, 2, 'on-time'],
      ['b', 0, 10, 1, 'on-time'],
      ['a', 10, 20, 1, 'on-time'],
      ['b', 10, 20, 1, 'on-time'],
    ]);
    expect(out.map((r) => r.firing)).toEqual([0, 0, 0, 0]);
  });

  it('fires each window exactly when the watermark reaches its end, before forwarding the watermark', async () => {
    const op = windowAggregate({ assigner: tumblingWindows(10), timestamp: (e: Ev) => e.ts, aggregate: count() });
    const seen = await runTrace(op, [ev('a', 3), watermark(9), ev('a', 5), watermark(10), ev('a', 12)], short);
    expect(seen).toEqual(['W9', '[0,10)=2/on-time', 'W10', '[10,20)=1/on-time']);
  });

  it('puts one item into size/slide sliding windows and aggregates each', async () => {
    const op = windowAggregate({ assigner: slidingWindows(30, 10), timestamp: (e: Ev) => e.ts, aggregate: sum((e: Ev) => e.v!) });
    const out = await runOp(op, [ev('a', 25, 5), ev('a', 31, 7)]);
    expect(rows(out)).toEqual([
      [undefined, 0, 30, 5, 'on-time'],
      [undefined, 10, 40, 12, 'on-time'],
      [undefined, 20, 50, 12, 'on-time'],
      [undefined, 30, 60, 7, 'on-time'],
    ]);
  });

  it('rejects bad options with InvalidArgumentError', () => {
    expect(() => windowAggregate({ assigner: tumblingWindows(10), aggregate: count() })).toThrow(/need a `timestamp` extractor/);
    expect(() => windowAggregate({ assigner: tumblingWindows(10), timestamp: () => 0, aggregate: {} as never })).toThrow(InvalidArgumentError);
    expect(() => windowAggregate({ assigner: {} as never, timestamp: () => 0, aggregate: count() })).toThrow(/assigner/);
    expect(() => windowAggregate({ assigner: tumblingWindows(10), timestamp: () => 0, aggregate: count(), allowedLateness: -1 })).toThrow(/allowedLateness/);
    expect(() => windowAggregate({ assigner: tumblingWindows(10), timestamp: () => 0, aggregate: count(), accumulation: 'x' as never })).toThrow(/accumulation/);
    expect(() => windowAggregate(null as never)).toThrow(InvalidArgumentError);
  });
});
