import { onError } from '../index.js';
import { runOp } from './internal/testkit.js';
import { skipWhile } from './skipWhile.js';

describe('skipWhile', () => {
  it('drops items until the predicate first fails', async () => {
    expect(await runOp(skipWhile((x: number) => x < 3), [1, 2, 5, 1])).toEqual([5, 1, 'END']);
  });
  it('skips an item whose predicate throws under skip', async () => {
    const op = skipWhile((x: number) => {
      if (x === 1) throw new Error('x');
      return false;
    }, { errors: onError.skip() });
    expect(await runOp(op, [1, 2])).toEqual([2, 'END']);
  });
});
