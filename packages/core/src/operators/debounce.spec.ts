import { InvalidArgumentError, watermark } from '../index.js';
import { debounce } from './debounce.js';
import { runTimed } from './internal/testkit.js';

describe('debounce', () => {
  it('emits the last item of each burst after the quiet period', async () => {
    expect(await runTimed(debounce<number>(50), [[0, 1], [10, 2], [100, 3], [200, 4], [220, 5]], 400)).toEqual([2, 3, 5, 'END']);
  });
  it('emits the pending item before a signal', async () => {
    expect(await runTimed(debounce<number>(50), [[0, 1], [10, watermark(3)]], 200)).toEqual([1, 'W3', 'END']);
    expect(() => debounce(-1)).toThrow(InvalidArgumentError);
  });
});
