import { collect, fromArray, InvalidArgumentError, map, mapAsync, pipeline, watermark } from '../index.js';
import { record, runOp } from '../operators/internal/testkit.js';
import { branch } from './branch.js';
import { broadcast } from './broadcast.js';
import { keyPartition } from './keyPartition.js';
import { loadBalance } from './loadBalance.js';

describe('branch', () => {
  it('runs each port through its own transformer and merges with one copy of each signal', async () => {
    const op = branch(broadcast<number, ['x', 'y']>(['x', 'y']), { x: map((n: number) => n * 10), y: map((n: number) => -n) });
    expect(await runOp(op, [1, watermark(3), 2])).toEqual([10, -1, 'W3', 20, -2, 'END']);
  });
  it('balances work over parallel async workers and counts in/out', async () => {
    const worker = () => mapAsync(async (n: number) => n + 1);
    const { result, stats } = await pipeline()
      .from(fromArray([1, 2, 3, 4]))
      .pipe(branch(loadBalance<number, ['a', 'b']>(['a', 'b']), { a: worker(), b: worker() }, { name: 'workers' }))
      .to(collect())
      .run();
    expect(result.sort()).toEqual([2, 3, 4, 5]);
    expect(stats.workers).toMatchObject({ in: 4, out: 4 });
  });
  it('keeps each key on one branch', async () => {
    const tag = (t: string) => map((x: { k: string }) => `${t}:${x.k}`);
    const out = await pipeline()
      .from(fromArray([{ k: 'a' }, { k: 'b' }, { k: 'a' }]))
      .pipe(branch(keyPartition((x: { k: string }) => x.k, ['p', 'q']), { p: tag('p'), q: tag('q') }))
      .to(record<unknown>())
      .run();
    const byKey = new Map<string, Set<string>>();
    for (const s of out.result.slice(0, -1) as string[]) byKey.set(s.slice(2), (byKey.get(s.slice(2)) ?? new Set()).add(s.slice(0, 1)));
    expect([...byKey.values()].every((s) => s.size === 1)).toBe(true);
  });
  it('rejects a router that is not a fan-out node, and missing branches', () => {
    expect(() => branch(map((x) => x) as never, {})).toThrow(InvalidArgumentError);
    expect(() => branch(broadcast<number, ['x', 'y']>(['x', 'y']), { x: map((n: number) => n) } as never)).toThrow(/no transformer for the router's port "y"/);
  });
});
