import { InvalidArgumentError, watermark } from '../index.js';
import { chunk } from './chunk.js';
import { runOp } from './internal/testkit.js';

describe('chunk', () => {
  it('makes tumbling chunks and flushes the partial one before a signal', async () => {
    expect(await runOp(chunk<number>(2), [1, 2, 3, watermark(9), 4, 5, 6])).toEqual([[1, 2], [3], 'W9', [4, 5], [6], 'END']);
  });
  it('makes sliding chunks with step', async () => {
    expect(await runOp(chunk<number>(2, { step: 1 }), [1, 2, 3, 4])).toEqual([[1, 2], [2, 3], [3, 4], [4], 'END']);
  });
  it('skips items between chunks when step > size', async () => {
    expect(await runOp(chunk<number>(1, { step: 2 }), [1, 2, 3])).toEqual([[1], [3], 'END']);
  });
  it('rejects bad sizes', () => {
    expect(() => chunk(0)).toThrow(InvalidArgumentError);
    expect(() => chunk(2, { step: 0.5 })).toThrow(/step/);
  });
});
