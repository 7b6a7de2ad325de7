import { InvalidArgumentError } from '../index.js';
import { approximateDistinct, BloomFilter } from './approximateDistinct.js';
import { runOp } from './internal/testkit.js';

describe('approximateDistinct', () => {
  it('never passes a duplicate', async () => {
    expect(await runOp(approximateDistinct<number>({ expectedItems: 100 }), [1, 2, 1, 2, 3])).toEqual([1, 2, 3, 'END']);
    const byKey = approximateDistinct<{ u: string }, string>({ key: (x) => x.u, expectedItems: 10 });
    expect(await runOp(byKey, [{ u: 'a' }, { u: 'a' }])).toEqual([{ u: 'a' }, 'END']);
  });
  it('stays within its false-positive rate at its sized capacity', async () => {
    for (const p of [0.05, 0.01]) {
      const n = 20_000;
      const keys = Array.from({ length: n }, (_, i) => `user-${i}`);
      const out = await runOp(approximateDistinct<string>({ expectedItems: n, falsePositiveRate: p }), keys);
      const wronglyDropped = n - (out.length - 1);
      // Measured over n fresh keys the observed rate is below p (the rate is reached only by the last key).
      expect(wronglyDropped / n).toBeLessThanOrEqual(p);
    }
  });
  it('sizes the filter by the standard formulas', () => {
    const f = new BloomFilter(1000, 0.01);
    expect(f.bits).toBe(9586);
    expect(f.hashes).toBe(7);
    expect(() => approximateDistinct({ falsePositiveRate: 1 })).toThrow(InvalidArgumentError);
    expect(() => approximateDistinct({ expectedItems: 0 })).toThrow(/expectedItems/);
  });
});
