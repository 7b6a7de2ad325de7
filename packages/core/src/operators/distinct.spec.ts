import fc from 'fast-check';
import { InvalidArgumentError, onError } from '../index.js';
import { distinct } from './distinct.js';
import { runOp, runTimed } from './internal/testkit.js';

describe('distinct', () => {
  it('passes each key once', async () => {
    expect(await runOp(distinct<number>(), [1, 2, 1, 3, 2])).toEqual([1, 2, 3, 'END']);
    expect(await runOp(distinct<{ id: number }, number>({ key: (x) => x.id }), [{ id: 1 }, { id: 1 }])).toEqual([{ id: 1 }, 'END']);
  });
  it('forgets keys after ttlMs on the run clock and beyond maxKeys', async () => {
    expect(await runTimed(distinct<string>({ ttlMs: 100 }), [[0, 'a'], [50, 'a'], [140, 'a'], [300, 'a']], 400)).toEqual(['a', 'a', 'END']);
    expect(await runOp(distinct<string>({ maxKeys: 1 }), ['a', 'b', 'a'])).toEqual(['a', 'b', 'a', 'END']);
  });
  it('never emits a duplicate (property, fixed seed)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 80 }), async (xs) => {
        const out = (await runOp(distinct<number>(), xs)).slice(0, -1);
        expect(new Set(out).size).toBe(out.length);
        expect(out).toEqual([...new Set(xs)]);
      }),
      { seed: 7, numRuns: 80 },
    );
  });
  it('routes a missing key through the strategy', async () => {
    await expect(runOp(distinct<{ id?: number }, number | undefined>({ key: (x) => x.id }), [{}])).rejects.toThrow(/distinct "distinct", item #0.*has no key/);
    expect(await runOp(distinct<{ id?: number }, number | undefined>({ key: (x) => x.id, errors: onError.skip() }), [{}, { id: 1 }])).toEqual([{ id: 1 }, 'END']);
    expect(() => distinct({ ttlMs: 0 })).toThrow(InvalidArgumentError);
  });
});
