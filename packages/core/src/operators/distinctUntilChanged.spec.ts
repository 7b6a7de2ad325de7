import { onError } from '../index.js';
import { distinctUntilChanged } from './distinctUntilChanged.js';
import { runOp } from './internal/testkit.js';

describe('distinctUntilChanged', () => {
  it('drops consecutive duplicates only', async () => {
    expect(await runOp(distinctUntilChanged<number>(), [1, 1, 2, 2, 1])).toEqual([1, 2, 1, 'END']);
  });
  it('compares by key and custom equality', async () => {
    const op = distinctUntilChanged<{ v: string }, string>({ key: (x) => x.v, equals: (a, b) => a.toLowerCase() === b.toLowerCase() });
    expect(await runOp(op, [{ v: 'a' }, { v: 'A' }, { v: 'b' }])).toEqual([{ v: 'a' }, { v: 'b' }, 'END']);
  });
  it('routes throwing key and equality functions through the strategy', async () => {
    const k = distinctUntilChanged<number, number>({ key: (x) => { if (x === 2) throw new Error('k'); return x; }, errors: onError.skip() });
    expect(await runOp(k, [1, 2, 3])).toEqual([1, 3, 'END']);
    const e = distinctUntilChanged<number, number>({ equals: () => { throw new Error('eq'); }, errors: onError.skip() });
    expect(await runOp(e, [1, 2])).toEqual([1, 'END']);
  });
});
