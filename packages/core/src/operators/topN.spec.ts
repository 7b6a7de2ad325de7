import { InvalidArgumentError, onError, watermark } from '../index.js';
import { runOp } from './internal/testkit.js';
import { topN } from './topN.js';

describe('topN', () => {
  it('emits the n smallest, sorted, at the end', async () => {
    expect(await runOp(topN<number>(2), [5, 1, 4, 0, 3])).toEqual([[0, 1], 'END']);
  });
  it('emits the n largest per watermark with ties in arrival order', async () => {
    const op = topN<{ p: number; id: string }, number>(2, { key: (x) => x.p, descending: true, per: 'watermark' });
    const a = { p: 1, id: 'a' }, b = { p: 3, id: 'b' }, c = { p: 3, id: 'c' }, d = { p: 2, id: 'd' };
    expect(await runOp(op, [a, b, c, watermark(1), d])).toEqual([[b, c], 'W1', [d], 'END']);
  });
  it('fails clearly on bad input', async () => {
    expect(() => topN(0)).toThrow(InvalidArgumentError);
    const bad = topN<number>(1, { compare: () => { throw new Error('cmp'); }, errors: onError.skip() });
    expect(await runOp(bad, [1, 2])).toEqual([[1], 'END']);
    await expect(runOp(topN<number>(1, { compare: () => { throw new Error('cmp'); } }), [1, 2])).rejects.toThrow(/topN.*item #1.*cmp/);
  });
});
