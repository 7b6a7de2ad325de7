import { collect, onError, pipeline } from '@streamweave/core';
import { failAt, runOperator } from '../index.js';

describe('failAt', () => {
  it('stops the run at the chosen position with the given error', async () => {
    const out = await runOperator(failAt<number>(1, new Error('bad record')), [10, 20, 30], { allowError: true });
    expect(out.data).toEqual([10]);
    expect((out.error as Error).message).toBe('[failAt "failAt", item #1, attempt 1] failed: bad record');
  });

  it('drops the item under skip and counts it', async () => {
    const out = await runOperator(failAt<number>(1), [10, 20, 30], { errors: onError.skip() });
    expect(out.data).toEqual([10, 30]);
    expect(out.stats).toEqual({ in: 3, out: 2, errors: 1, skipped: 1 });
  });

  it('fails only `times` attempts, so a retry strategy recovers', async () => {
    const out = await runOperator(failAt<number>(0, 'flaky', { times: 2, errors: onError.retry({ maxAttempts: 3 }) }), [1, 2]);
    expect(out.data).toEqual([1, 2]);
    expect(out.stats).toEqual({ in: 2, out: 2, errors: 2, skipped: 0 });
  });

  it('routes to the dead-letter consumer', async () => {
    const { result, deadLetter } = await pipeline()
      .from(fromItems([1, 2]))
      .pipe(failAt<number>(0, 'nope', { errors: onError.deadLetter() }))
      .to(collect())
      .run({ deadLetter: collect() });
    expect(result).toEqual([2]);
    expect((deadLetter as Array<{ item: unknown }>).map((d) => d.item)).toEqual([1]);
  });

  it('rejects bad arguments', () => {
    expect(() => failAt(-1)).toThrow('failAt: `position` must be a non-negative integer, got -1');
    expect(() => failAt(0, undefined, { times: 1.5 })).toThrow('failAt: `times` must be a non-negative integer, got 1.5');
  });
});

function fromItems<T>(items: T[]) {
  return { descriptor: { kind: 'producer' as const, type: 'items', params: {}, outputs: ['out'] }, open: () => ({ pull(emit: (x: T) => void) { items.forEach(emit); return false; } }) };
}
