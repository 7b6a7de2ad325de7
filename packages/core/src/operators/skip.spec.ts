import { checkpointBarrier, InvalidArgumentError, watermark } from '../index.js';
import { runOp } from './internal/testkit.js';
import { skip } from './skip.js';

describe('skip', () => {
  it('drops the first n items and keeps signals in place', async () => {
    expect(await runOp(skip<number>(2), [1, watermark(1), 2, 3, checkpointBarrier(1, 0), 4])).toEqual(['W1', 3, 'B1', 4, 'END']);
  });
  it('rejects a negative count', () => {
    expect(() => skip(-1)).toThrow(InvalidArgumentError);
  });
});
