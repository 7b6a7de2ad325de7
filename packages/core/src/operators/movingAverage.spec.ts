import { InvalidArgumentError, onError } from '../index.js';
import { runOp } from './internal/testkit.js';
import { movingAverage } from './movingAverage.js';

describe('movingAverage', () => {
  it('averages the last n items', async () => {
    expect(await runOp(movingAverage(2), [2, 4, 6, 8])).toEqual([2, 3, 5, 7, 'END']);
    expect(await runOp(movingAverage(3, { value: (x: { v: number }) => x.v }), [{ v: 3 }, { v: 6 }])).toEqual([3, 4.5, 'END']);
  });
  it('validates size and values', async () => {
    expect(() => movingAverage(0)).toThrow(InvalidArgumentError);
    expect(await runOp(movingAverage(2, { errors: onError.skip() }), ['a' as never, 4])).toEqual([4, 'END']);
  });
});
