import { collect, fromArray, InvalidArgumentError, pipeline, type Transformer } from '@streamweave/core';
import { countDistinct, HyperLogLog, keyedCount, minMax, movingAverage, percentiles, runningTotal, TDigest } from '@streamweave/state';

type Sale = { shop: string; amount: number; t: number };
const sales: Sale[] = [
  { shop: 'a', amount: 10, t: 0 },
  { shop: 'b', amount: 5, t: 10 },
  { shop: 'a', amount: 30, t: 20 },
  { shop: 'a', amount: 20, t: 1500 },
  { shop: 'b', amount: 1, t: 1600 },
];
const run = async <O>(t: Transformer<Sale, O>, items = sales): Promise<O[]> => (await pipeline().from(fromArray(items)).pipe(t).to(collect()).run()).result as O[];

describe('aggregation patterns', () => {
  it('runningTotal, keyedCount and minMax per key', async () => {
    expect(await run(runningTotal({ keyBy: (s: Sale) => s.shop, value: (s) => s.amount }))).toEqual([
      { key: 'a', total: 10 },
      { key: 'b', total: 5 },
      { key: 'a', total: 40 },
      { key: 'a', total: 60 },
      { key: 'b', total: 6 },
    ]);
    expect((await run(keyedCount({ keyBy: (s: Sale) => s.shop }))).map((c) => `${c.key}${c.count}`)).toEqual(['a1', 'b1', 'a2', 'a3', 'b2']);
    expect(await run(minMax({ keyBy: (s: Sale) => s.shop, value: (s) => s.amount }))).toEqual([
      { key: 'a', min: 10, max: 10 },
      { key: 'b', min: 5, max: 5 },
      { key: 'a', min: 10, max: 30 },
      { key: 'a', min: 10, max: 30 },
      { key: 'b', min: 1, max: 5 },
    ]);
  });

  it('movingAverage over the last n values and over a time window', async () => {
    expect((await run(movingAverage({ keyBy: (s: Sale) => s.shop, value: (s) => s.amount, count: 2 }))).map((m) => [m.key, m.average, m.samples])).toEqual([
      ['a', 10, 1],
      ['b', 5, 1],
      ['a', 20, 2],
      ['a', 25, 2],
      ['b', 3, 2],
    ]);
    expect((await run(movingAverage({ keyBy: (s: Sale) => s.shop, value: (s) => s.amount, windowMs: 1000, timestamp: (s) => s.t }))).map((m) => [m.key, m.average])).toEqual([
      ['a', 10],
      ['b', 5],
      ['a', 20],
      ['a', 20],
      ['b', 1],
    ]);
    const byClock = await run(movingAverage({ keyBy: (s: Sale) => s.shop, value: (s) => s.amount, windowMs: 60_000 }));
    expect(byClock[4]).toEqual({ key: 'b', average: 3, samples: 2 });
  });

  it('countDistinct estimates distinct values per key with HyperLogLog', async () => {
    const visits = Array.from({ length: 3000 }, (_, i) => ({ page: i % 2 === 0 ? 'home' : 'docs', user: `u${i % 1000}` }));
    const out = (await pipeline()
      .from(fromArray(visits))
      .pipe(countDistinct({ keyBy: (v: { page: string; user: string }) => v.page, value: (v) => v.user }))
      .to(collect())
      .run()).result;
    const last = out.slice(-2).sort((a, b) => a.key.localeCompare(b.key));
    // 500 distinct users per page; HyperLogLog(12) is within a few percent.
    expect(last[0]!.key).toBe('docs');
    expect(Math.abs(last[0]!.distinct - 500)).toBeLessThan(25);
    expect(Math.abs(last[1]!.distinct - 500)).toBeLessThan(25);
    expect(out[0]).toEqual({ key: 'home', distinct: 1 });
  });

  it('percentiles per key with a t-digest', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ route: '/a', ms: i + 1 }));
    const out = (await pipeline()
      .from(fromArray(items))
      .pipe(percentiles({ keyBy: (r: { route: string; ms: number }) => r.route, value: (r) => r.ms, quantiles: [0.5, 0.99] }))
      .to(collect())
      .run()).result;
    const q = out[out.length - 1]!.quantiles;
    expect(Math.abs(q['0.5']! - 500)).toBeLessThan(15);
    expect(Math.abs(q['0.99']! - 990)).toBeLessThan(5);
  });

  it('sketches serialize and estimate', () => {
    const hll = new HyperLogLog(10);
    for (let i = 0; i < 100; i++) hll.add(`x${i % 40}`);
    expect(HyperLogLog.fromString(hll.toString()).estimate()).toBe(hll.estimate());
    expect(hll.estimate()).toBe(40);
    const d = new TDigest(50);
    expect(d.quantile(0.5)).toBeNaN();
    d.add(7);
    expect(d.quantile(0.3)).toBe(7);
    for (let i = 0; i < 500; i++) d.add(i);
    expect(d.quantile(0)).toBe(0);
    expect(d.quantile(1)).toBe(499);
    expect(new TDigest(50, d.centroids()).quantile(0.5)).toBeCloseTo(d.quantile(0.5), 5);
  });

  it('rejects bad options with clear errors', () => {
    expect(() => runningTotal({ keyBy: 1 as never, value: (x: number) => x })).toThrow(new InvalidArgumentError('runningTotal: `keyBy` must be a function'));
    expect(() => minMax({ keyBy: (x: number) => x } as never)).toThrow('minMax: `value` must be a function');
    expect(() => movingAverage({ keyBy: (x: number) => x, value: (x) => x })).toThrow('movingAverage: give exactly one of `count` or `windowMs`');
    expect(() => movingAverage({ keyBy: (x: number) => x, value: (x) => x, count: 1.5 })).toThrow('movingAverage: count must be a positive integer, got 1.5');
    expect(() => movingAverage({ keyBy: (x: number) => x, value: (x) => x, windowMs: -1 })).toThrow('movingAverage: windowMs must be a positive number, got -1');
    expect(() => countDistinct({ keyBy: (x: number) => x, value: (x) => x, precision: 20 })).toThrow('HyperLogLog: precision must be an integer in 4..16, got 20');
    expect(() => percentiles({ keyBy: (x: number) => x, value: (x) => x, quantiles: [2] })).toThrow('percentiles: `quantiles` must be a non-empty array of numbers in [0, 1]');
  });
});
