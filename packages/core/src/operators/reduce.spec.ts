import { onError, watermark } from '../index.js';
import { runOp } from './internal/testkit.js';
import { reduce } from './reduce.js';

describe('reduce', () => {
  it('emits the final value just before EndOfStream', async () => {
    expect(await runOp(reduce((s: number, x: number) => s + x, 0), [1, watermark(3), 2, 3])).toEqual(['W3', 6, 'END']);
  });
  it('emits the seed for an empty input', async () => {
    expect(await runOp(reduce((s: number, x: number) => s + x, 7), [])).toEqual([7, 'END']);
  });
  it('emits a rolling value per item', async () => {
    expect(await runOp(reduce((s: number, x: number) => s + x, 0, { emit: 'rolling' }), [1, 2, 3])).toEqual([1, 3, 6, 'END']);
  });
  it('keeps the accumulator when a skipped item throws', async () => {
    const op = reduce((s: number, x: number) => {
      if (x === 2) throw new Error('bad');
      return s + x;
    }, 0, { errors: onError.skip() });
    expect(await runOp(op, [1, 2, 3])).toEqual([4, 'END']);
  });
});
