import { checkpointBarrier, InvalidArgumentError, onError } from '../index.js';
import { buffer } from './buffer.js';
import { runOp } from './internal/testkit.js';

describe('buffer', () => {
  it('closes a buffer on the closing item and flushes before signals and at the end', async () => {
    const op = buffer((x: string) => x === ';');
    expect(await runOp(op, ['a', 'b', ';', 'c', checkpointBarrier(1, 0), 'd'])).toEqual([['a', 'b', ';'], ['c'], 'B1', ['d'], 'END']);
  });
  it('bounds the buffer by maxSize', async () => {
    expect(await runOp(buffer(() => false, { maxSize: 2 }), [1, 2, 3])).toEqual([[1, 2], [3], 'END']);
    expect(() => buffer(() => false, { maxSize: 0 })).toThrow(InvalidArgumentError);
  });
  it('drops an item whose closing test throws under skip', async () => {
    const op = buffer((x: number) => {
      if (x === 2) throw new Error('no');
      return x === 3;
    }, { errors: onError.skip() });
    expect(await runOp(op, [1, 2, 3])).toEqual([[1, 3], 'END']);
  });
});
