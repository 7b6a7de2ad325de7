import { checkpointBarrier, collect, fromAsyncIterable, InvalidArgumentError, map, mapAsync, onError, pipeline, VirtualClock, watermark } from '../index.js';
import { groupBy } from './groupBy.js';
import { runOp } from './internal/testkit.js';
import { reduce } from './reduce.js';
import { runningSum } from './runningSum.js';

describe('groupBy', () => {
  it('runs a sub-pipeline per key and emits each signal once, after every sub-stream passed it', async () => {
    const op = groupBy((x: number) => x % 2, () => runningSum());
    expect(await runOp(op, [1, 2, watermark(5), 3, checkpointBarrier(1, 0), 4])).toEqual([1, 2, 'W5', 4, 'B1', 6, 'END']);
  });
  it('flushes every sub-stream before EndOfStream', async () => {
    const op = groupBy((w: string) => w, (k) => reduce((n: number) => n + 1, 0, { name: `count-${k}` }));
    expect(await runOp(op, ['a', 'b', 'a'])).toEqual([2, 1, 'END']);
  });
  it('keeps signals behind outputs of asynchronous sub-streams', async () => {
    const op = groupBy((x: number) => x % 2, () => mapAsync(async (x: number) => { await new Promise((r) => setTimeout(r, 3)); return x * 10; }));
    expect(await runOp(op, [1, 2, watermark(9), 3])).toEqual([10, 20, 'W9', 30, 'END']);
  });
  it('ends the least recently used sub-stream beyond maxKeys and restarts a returning key', async () => {
    const op = groupBy((w: string) => w, () => reduce((n: number) => n + 1, 0), { maxKeys: 1 });
    expect(await runOp(op, ['a', 'a', 'b', 'a'])).toEqual([2, 1, 1, 'END']);
  });
  it('ends idle sub-streams on the run clock', async () => {
    const clock = new VirtualClock();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* src() {
      yield 'a';
      await gate;
      yield 'a';
    }
    const op = groupBy((w: string) => w, () => reduce((n: number) => n + 1, 0), { idleMs: 50 });
    const run = pipeline().from(fromAsyncIterable(src())).pipe(op).to(collect()).run({ clock });
    await clock.settle();
    await clock.advanceBy(60);
    release();
    expect((await run).result).toEqual([1, 1]);
  });
  it('fails when a sub-stream fails, and on a bad `through`', async () => {
    const op = groupBy((x: number) => x, () => map((x: number) => { if (x === 2) throw new Error('sub'); return x; }));
    await expect(runOp(op, [1, 2])).rejects.toThrow(/sub/);
    const bad = groupBy((x: number) => x, () => { throw new Error('nope'); });
    await expect(runOp(bad, [1])).rejects.toThrow(/through` failed for key 1/);
    const skipKey = groupBy((x: number) => (x === 1 ? undefined : x), () => map((x: number) => x), { errors: onError.skip() });
    expect(await runOp(skipKey, [1, 2])).toEqual([2, 'END']);
    expect(() => groupBy((x) => x, 3 as never)).toThrow(InvalidArgumentError);
  });
});
