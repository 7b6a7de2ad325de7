import { InvalidArgumentError, onError, watermark } from '../index.js';
import { runOp } from './internal/testkit.js';
import { sortBuffer } from './sortBuffer.js';

describe('sortBuffer', () => {
  it('sorts each span between signals and each full buffer', async () => {
    expect(await runOp(sortBuffer<number>(), [3, 1, 2, watermark(5), 9, 7])).toEqual([1, 2, 3, 'W5', 7, 9, 'END']);
    expect(await runOp(sortBuffer<number>({ size: 2 }), [3, 1, 2, 0])).toEqual([1, 3, 0, 2, 'END']);
  });
  it('sorts by key, comparator and descending', async () => {
    const op = sortBuffer<{ n: string }, string>({ key: (x) => x.n, compare: (a, b) => a.localeCompare(b), descending: true });
    expect(await runOp(op, [{ n: 'a' }, { n: 'c' }, { n: 'b' }])).toEqual([{ n: 'c' }, { n: 'b' }, { n: 'a' }, 'END']);
  });
  it('names the operator and position for an item lacking the key', async () => {
    const op = sortBuffer<{ ts?: number }, number | undefined>({ key: (x) => x.ts });
    await expect(runOp(op, [{ ts: 1 }, {}])).rejects.toThrow(/sortBuffer "sortBuffer", item #1.*has no sort key/);
  });
  it('routes a throwing comparator through the strategy', async () => {
    const bad = () => { throw new Error('cmp'); };
    await expect(runOp(sortBuffer<number>({ compare: bad }), [2, 1])).rejects.toThrow(/sortBuffer.*cmp/);
    expect(await runOp(sortBuffer<number>({ compare: bad, errors: onError.skip() }), [2, 1])).toEqual([2, 1, 'END']);
    expect(() => sortBuffer({ size: 0 })).toThrow(InvalidArgumentError);
    expect(() => sortBuffer({ key: 1 as never })).toThrow(/key/);
  });
});
