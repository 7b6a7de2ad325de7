import fc from 'fast-check';
import { checkpointBarrier, collect, fromArray, InvalidArgumentError, map, pipeline, watermark } from '../index.js';
import { fileRunStore } from '../platform/node/index.js';
import { externalSort, roughBytes } from './externalSort.js';
import { runOp } from './internal/testkit.js';
import { memoryRunStore, type SortRunStore } from './sortRunStore.js';

describe('externalSort', () => {
  it('sorts in memory when the input fits, holding signals until the output is out', async () => {
    expect(await runOp(externalSort<number>(), [3, watermark(1), 1, checkpointBarrier(1, 0), 2])).toEqual([1, 2, 3, 'W1', 'B1', 'END']);
  });
  it('spills sorted runs and merges them (memory store)', async () => {
    const writes: number[] = [];
    const store = (): SortRunStore<number> => {
      const s = memoryRunStore<number>(2);
      return { ...s, writeRun: (items) => (writes.push(items.length), s.writeRun(items)) };
    };
    expect(await runOp(externalSort<number>({ maxItemsInMemory: 3, store }), [5, 3, 9, 1, 8, 2, 7])).toEqual([1, 2, 3, 5, 7, 8, 9, 'END']);
    expect(writes).toEqual([3, 3, 1]);
  });
  it('spills to disk by estimated bytes and merges with a key (file store)', async () => {
    const input = Array.from({ length: 200 }, (_, i) => ({ id: (i * 37) % 200, s: 'x'.repeat(i % 5) }));
    const op = externalSort<{ id: number; s: string }, number>({ key: (r) => r.id, maxBytesInMemory: 2000, store: () => fileRunStore({ batchSize: 7 }) });
    const out = await runOp(op, input);
    expect(out.slice(0, -1).map((r) => (r as { id: number }).id)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });
  it('paces its output by downstream credit (slow async sink)', async () => {
    const seen: number[] = [];
    const slow = map((x: number) => x);
    const { result } = await pipeline()
      .from(fromArray([4, 3, 2, 1]))
      .pipe(externalSort<number>({ maxItemsInMemory: 2, outputWindow: 1 }))
      .pipe(slow)
      .to(collect())
      .run();
    seen.push(...result);
    expect(seen).toEqual([1, 2, 3, 4]);
  });
  it('is a sorted permutation of its input (property, fixed seed)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), async (xs, mem) => {
        const out = (await runOp(externalSort<number>({ maxItemsInMemory: mem }), xs)).slice(0, -1);
        expect(out).toEqual([...xs].sort((a, b) => a - b));
      }),
      { seed: 42, numRuns: 60 },
    );
  });
  it('names the operator and position for a missing key, and fails on store errors', async () => {
    const op = externalSort<{ k?: number }, number | undefined>({ key: (x) => x.k });
    await expect(runOp(op, [{ k: 1 }, { k: 2 }, {}])).rejects.toThrow(/externalSort "externalSort", item #2.*has no sort key/);
    const broken = (): SortRunStore<number> => ({ ...memoryRunStore<number>(), writeRun: () => Promise.reject(new Error('disk full')) });
    await expect(runOp(externalSort<number>({ maxItemsInMemory: 1, store: broken }), [2, 1])).rejects.toThrow(/sort run store failed: disk full/);
    await expect(runOp(externalSort<number>({ compare: () => { throw new Error('cmp'); } }), [2, 1])).rejects.toThrow(/cmp/);
    await expect(runOp(externalSort<number>({ maxItemsInMemory: 1, compare: (a, b) => { if (a + b === 3) throw new Error('cmp2'); return a - b; } }), [1, 2, 0])).rejects.toThrow(/cmp2/);
  });
  it('validates options and estimates sizes', () => {
    expect(() => externalSort({ maxItemsInMemory: 0 })).toThrow(InvalidArgumentError);
    expect(() => externalSort({ maxBytesInMemory: -1 })).toThrow(/maxBytesInMemory/);
    expect(() => externalSort({ outputWindow: 0 })).toThrow(/outputWindow/);
    expect(roughBytes(1) + roughBytes('ab') + roughBytes(true) + roughBytes(null) + roughBytes(undefined)).toBe(8 + 20 + 4 + 8 + 16);
    expect(roughBytes([1, { a: [[[1]]] }])).toBeGreaterThan(64);
  });
});
