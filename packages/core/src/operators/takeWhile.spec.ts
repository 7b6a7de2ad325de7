import { checkpointBarrier, onError, watermark } from '../index.js';
import { runOp } from './internal/testkit.js';
import { takeWhile } from './takeWhile.js';

describe('takeWhile', () => {
  it('passes items while the predicate holds, then ends', async () => {
    expect(await runOp(takeWhile((x: number) => x < 3), [1, watermark(5), 2, 3, 1, checkpointBarrier(1, 0)])).toEqual([1, 'W5', 2, 'END']);
  });
  it('emits the failing item when inclusive', async () => {
    expect(await runOp(takeWhile((x: number) => x < 3, { inclusive: true }), [1, 3, 1])).toEqual([1, 3, 'END']);
  });
  it('ends at end of input when the predicate always holds', async () => {
    expect(await runOp(takeWhile(() => true), [1, 2])).toEqual([1, 2, 'END']);
  });
  it('routes a throwing predicate through the error strategy', async () => {
    const op = takeWhile((x: number) => {
      if (x === 2) throw new Error('bad');
      return true;
    }, { errors: onError.skip() });
    expect(await runOp(op, [1, 2, 3])).toEqual([1, 3, 'END']);
    await expect(runOp(takeWhile((x: number) => { if (x === 2) throw new Error('bad'); return true; }), [1, 2])).rejects.toThrow(
      /takeWhile .*item #1.*bad/,
    );
  });
});
