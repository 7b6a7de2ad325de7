import { InvalidArgumentError, watermark } from '../index.js';
import { runTimed } from './internal/testkit.js';
import { throttle } from './throttle.js';

describe('throttle', () => {
  const burst = [[0, 1], [10, 2], [20, 3], [150, 4], [160, 5]] as const;
  it('emits the leading item of each period and drops the rest', async () => {
    expect(await runTimed(throttle<number>(100), burst, 300)).toEqual([1, 4, 'END']);
  });
  it('emits the trailing item when a period ends', async () => {
    expect(await runTimed(throttle<number>(100, { leading: false, trailing: true }), burst, 400)).toEqual([3, 5, 'END']);
    expect(await runTimed(throttle<number>(100, { leading: true, trailing: true }), burst, 400)).toEqual([1, 3, 5, 'END']);
  });
  it('emits a pending trailing item before a signal', async () => {
    expect(await runTimed(throttle<number>(100, { trailing: true }), [[0, 1], [10, 2], [20, watermark(5)]], 300)).toEqual([1, 2, 'W5', 'END']);
  });
  it('spaces items without dropping in backpressure mode', async () => {
    const op = throttle<number>(100, { mode: 'backpressure' });
    expect(op.descriptor.type).toBe('throttle');
    expect(await runTimed(op, [[0, 1], [0, 2], [0, 3]], 500)).toEqual([1, 2, 3, 'END']);
  });
  it('rejects bad options', () => {
    expect(() => throttle(0)).toThrow(InvalidArgumentError);
    expect(() => throttle(10, { leading: false })).toThrow(/cannot both be false/);
  });
});
