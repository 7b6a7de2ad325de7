import { collect, fromArray, InvalidArgumentError, onError, pipeline, VirtualClock } from '../../index.js';
import { runOp, timed, record } from '../internal/testkit.js';
import { lookupJoin } from './lookupJoin.js';

type O = { id: number; c: string };
describe('lookupJoin', () => {
  const table = new Map([['a', 'Alice'], ['b', 'Bob']]);
  it('enriches from a Map (inner drops misses as skipped, left keeps them)', async () => {
    const select = (o: O, name: string | undefined) => `${o.id}:${name ?? '?'}`;
    const items = [{ id: 1, c: 'a' }, { id: 2, c: 'x' }, { id: 3, c: 'b' }];
    const inner = await pipeline().from(fromArray(items)).pipe(lookupJoin(table, { key: (o: O) => o.c, select, name: 'j' })).to(collect()).run();
    expect(inner.result).toEqual(['1:Alice', '3:Bob']);
    expect(inner.stats.j).toMatchObject({ out: 2, skipped: 1 });
    expect(await runOp(lookupJoin(table, { key: (o: O) => o.c, select, type: 'left' }), items)).toEqual(['1:Alice', '2:?', '3:Bob', 'END']);
  });
  it('enriches with an async lookup through a bounded LRU cache, keeping order', async () => {
    const calls: string[] = [];
    const lookup = async (k: string) => {
      calls.push(k);
      await new Promise((r) => setTimeout(r, k === 'a' ? 5 : 1));
      return table.get(k);
    };
    const items = ['a', 'b', 'a', 'x', 'b', 'a'].map((c, id) => ({ id, c }));
    const { result, stats } = await pipeline()
      .from(fromArray(items))
      .pipe(lookupJoin(lookup, { key: (o: O) => o.c, select: (o: O, n) => `${o.id}:${n}`, cacheSize: 1, concurrency: 1, name: 'j' }))
      .to(collect())
      .run();
    expect(result).toEqual(['0:Alice', '1:Bob', '2:Alice', '4:Bob', '5:Alice']);
    expect(stats.j).toMatchObject({ in: 6, out: 5, skipped: 1 });
    expect(calls).toEqual(['a', 'b', 'a', 'x', 'b', 'a']);
    calls.length = 0;
    await runOp(lookupJoin(lookup, { key: (o: O) => o.c, select: (o: O) => o.id, concurrency: 1 }), items);
    expect(calls).toEqual(['a', 'b', 'x']);
  });
  it('expires cached entries after cacheTtlMs on the run clock', async () => {
    const calls: string[] = [];
    const op = lookupJoin(async (k: string) => (calls.push(k), k.toUpperCase()), { key: (x: string) => x, select: (_x: string, v) => v, cacheTtlMs: 50, concurrency: 1 });
    const clock = new VirtualClock();
    const run = pipeline().from(timed<string>([[0, 'a'], [10, 'a'], [100, 'a']])).pipe(op).to(record<string | undefined>()).run({ clock });
    await clock.settle();
    await clock.advanceBy(200);
    expect((await run).result).toEqual(['A', 'A', 'A', 'END']);
    expect(calls).toEqual(['a', 'a']);
  });
  it('routes missing keys and failing lookups through the strategy', async () => {
    const select = (o: O, v: unknown) => v;
    await expect(runOp(lookupJoin(table, { key: (o: O) => o.c, select }), [{ id: 0 } as O])).rejects.toThrow(/lookupJoin "lookupJoin", item #0.*has no lookup key/);
    const failing = lookupJoin(async (): Promise<string> => { throw new Error('db down'); }, { key: (o: O) => o.c, select, errors: onError.skip() });
    expect(await runOp(failing, [{ id: 0, c: 'a' }])).toEqual(['END']);
    await expect(runOp(lookupJoin(async () => 'v', { key: (o: O) => o.c, select }), [{ id: 0 } as O])).rejects.toThrow(/has no lookup key/);
    expect(() => lookupJoin(5 as never, { key: (x) => x, select: (x) => x })).toThrow(InvalidArgumentError);
    expect(() => lookupJoin(table, { key: (x) => x, select: (x) => x, type: 'right' as never })).toThrow(/type/);
    expect(() => lookupJoin(table, { key: (x) => x, select: (x) => x, cacheSize: -1 })).toThrow(/cacheSize/);
  });
});
