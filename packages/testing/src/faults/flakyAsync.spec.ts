import { mapAsync, onError } from '@streamweave/core';
import { flakyAsync, runOperator } from '../index.js';

describe('flakyAsync', () => {
  it('fails the first failTimes calls, then delegates, counting calls', async () => {
    const f = flakyAsync(async (x: number) => x * 2, 2);
    await expect(f(1)).rejects.toThrow('flakyAsync: injected failure on call 1');
    await expect(f(1)).rejects.toThrow('flakyAsync: injected failure on call 2');
    await expect(f(4)).resolves.toBe(8);
    expect(f.calls).toBe(3);
    expect(f.failures).toBe(2);
  });

  it('uses the given error and works with synchronous functions', async () => {
    const f = flakyAsync((s: string) => s.toUpperCase(), 1, 'nope');
    await expect(f('a')).rejects.toBe('nope');
    await expect(f('a')).resolves.toBe('A');
  });

  it('lets a retry strategy be tested end to end', async () => {
    const f = flakyAsync(async (x: number) => x + 1, 2);
    const out = await runOperator(mapAsync(f, { errors: onError.retry({ maxAttempts: 3, initialDelayMs: 0, jitter: 0 }) }), [1]);
    expect(out.data).toEqual([2]);
    expect(f.calls).toBe(3);
  });

  it('rejects bad arguments', () => {
    expect(() => flakyAsync(3 as never, 1)).toThrow('flakyAsync: `fn` must be a function, got number');
    expect(() => flakyAsync(async () => 1, -1)).toThrow('flakyAsync: `failTimes` must be a non-negative integer, got -1');
  });
});
