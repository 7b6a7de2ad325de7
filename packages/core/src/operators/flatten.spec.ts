import { onError } from '../index.js';
import { flatten } from './flatten.js';
import { runOp } from './internal/testkit.js';

describe('flatten', () => {
  it('emits the elements of each iterable in order', async () => {
    expect(await runOp(flatten<number>(), [[1, 2], [], new Set([3])])).toEqual([1, 2, 3, 'END']);
  });
  it('fails on a non-iterable item naming the component and position', async () => {
    await expect(runOp(flatten<number>(), [[1], 5 as never])).rejects.toThrow(/flatten .*item #1.*iterable item, got number/);
    expect(await runOp(flatten<number>({ errors: onError.skip() }), [null as never, [1]])).toEqual([1, 'END']);
  });
});
