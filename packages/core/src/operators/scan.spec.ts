import { onError } from '../index.js';
import { runOp } from './internal/testkit.js';
import { scan } from './scan.js';

describe('scan', () => {
  it('emits every accumulator with a fresh seed per run', async () => {
    const op = scan((acc: number[], x: number) => [...acc, x], () => [] as number[]);
    expect(await runOp(op, [1, 2])).toEqual([[1], [1, 2], 'END']);
    expect(await runOp(op, [3])).toEqual([[3], 'END']);
  });
  it('skips an item whose accumulator throws', async () => {
    const op = scan((acc: number, x: number) => { if (x < 0) throw new Error('neg'); return acc + x; }, () => 0, { errors: onError.skip() });
    expect(await runOp(op, [1, -1, 2])).toEqual([1, 3, 'END']);
  });
});
