import { onError } from '../index.js';
import { runOp } from './internal/testkit.js';
import { runningSum } from './runningSum.js';

describe('runningSum', () => {
  it('emits the running total', async () => {
    expect(await runOp(runningSum(), [1, 2, 3])).toEqual([1, 3, 6, 'END']);
  });
  it('sums a projected value with compensation', async () => {
    const out = await runOp(runningSum((x: { v: number }) => x.v), Array.from({ length: 10 }, () => ({ v: 0.1 })));
    expect(out[9]).toBe(1);
  });
  it('rejects non-numbers through the strategy', async () => {
    await expect(runOp(runningSum(), ['x' as never])).rejects.toThrow(/runningSum .*item #0.*expects a number, got string/);
    expect(await runOp(runningSum(undefined, { errors: onError.skip() }), [NaN, 2])).toEqual([2, 'END']);
  });
});
