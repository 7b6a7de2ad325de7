import { InvalidArgumentError } from '../index.js';
import { runOp } from './internal/testkit.js';
import { sample } from './sample.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('sample', () => {
  it('keeps every n-th item, per key when stratified', async () => {
    expect(await runOp(sample<number>({ every: 3 }), range(7))).toEqual([0, 3, 6, 'END']);
    expect(await runOp(sample<number, number>({ every: 2, key: (x) => x % 2 }), range(6))).toEqual([0, 1, 4, 5, 'END']);
  });
  it('keeps a Bernoulli sample reproducibly with a seed', async () => {
    const a = await runOp(sample<number>({ probability: 0.3, seed: 11 }), range(1000));
    const b = await runOp(sample<number>({ probability: 0.3, seed: 11 }), range(1000));
    expect(a).toEqual(b);
    expect(a.length - 1).toBeGreaterThan(250);
    expect(a.length - 1).toBeLessThan(350);
    expect(await runOp(sample<number>({ probability: 0.5, random: () => 0.4 }), [1, 2])).toEqual([1, 2, 'END']);
  });
  it('keeps a reservoir of k items in arrival order, per key when stratified', async () => {
    const out = await runOp(sample<number>({ reservoir: 5, seed: 3 }), range(100));
    expect(out).toHaveLength(6);
    const items = out.slice(0, -1) as number[];
    expect([...items].sort((x, y) => x - y)).toEqual(items);
    const strat = (await runOp(sample<number, number>({ reservoir: 2, key: (x) => x % 3, seed: 1 }), range(30))).slice(0, -1) as number[];
    expect([0, 1, 2].map((k) => strat.filter((x) => x % 3 === k).length)).toEqual([2, 2, 2]);
  });
  it('samples a reservoir uniformly (chi-square at a fixed seed)', async () => {
    const n = 20, k = 5, trials = 400;
    const counts = new Array<number>(n).fill(0);
    for (let t = 0; t < trials; t++) {
      const out = await runOp(sample<number>({ reservoir: k, seed: 1000 + t }), range(n));
      for (const x of out.slice(0, -1) as number[]) counts[x]!++;
    }
    const expected = (trials * k) / n;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: the 99th percentile is 36.19.
    expect(chi2).toBeLessThan(36.19);
  });
  it('rejects ambiguous or bad options', () => {
    expect(() => sample({} as never)).toThrow(InvalidArgumentError);
    expect(() => sample({ every: 1, probability: 0.5 } as never)).toThrow(/exactly one/);
    expect(() => sample({ every: 0 })).toThrow(/every/);
    expect(() => sample({ probability: 2 })).toThrow(/probability/);
    expect(() => sample({ reservoir: 1.5 })).toThrow(/reservoir/);
  });
});
