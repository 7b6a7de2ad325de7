import { checkpointBarrier, collect, fromArray, InvalidArgumentError, onError, pipeline, VirtualClock, watermark } from '../index.js';
import { flatMap } from './flatMap.js';
import { runOp } from './internal/testkit.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('flatMap', () => {
  it('expands synchronous array and iterable results in order', async () => {
    const op = flatMap((s: string) => (s === 'set' ? new Set(['x']) : s.split(' ')));
    expect(await runOp(op, ['a b', watermark(1), 'set', 'c'])).toEqual(['a', 'b', 'W1', 'x', 'c', 'END']);
  });
  it('expands async and async-iterable results keeping input order and signal order', async () => {
    const op = flatMap(
      async function* (n: number) {
        await tick();
        yield n;
        yield n * 10;
      },
      { concurrency: 3 },
    );
    expect(await runOp(op, [1, 2, checkpointBarrier(1, 0), 3])).toEqual([1, 10, 2, 20, 'B1', 3, 30, 'END']);
    const p = flatMap(async (n: number) => { await new Promise((r) => setTimeout(r, 5 - n)); return [n]; }, { concurrency: 4 });
    expect(await runOp(p, [1, 2, 3])).toEqual([1, 2, 3, 'END']);
  });
  it('lets finished items overtake in unordered mode but never a signal', async () => {
    const op = flatMap(async (n: number) => { await new Promise((r) => setTimeout(r, n)); return [n]; }, { concurrency: 3, ordered: false });
    expect(await runOp(op, [20, 1, watermark(5), 2])).toEqual([1, 20, 'W5', 2, 'END']);
  });
  it('bounds concurrency', async () => {
    let active = 0;
    let peak = 0;
    const op = flatMap(async (n: number) => {
      active++;
      peak = Math.max(peak, active);
      await tick();
      active--;
      return [n];
    }, { concurrency: 2 });
    const { result } = await pipeline().from(fromArray([1, 2, 3, 4, 5])).pipe(op).to(collect()).run();
    expect(result).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });
  it('routes failures through the error strategy', async () => {
    const bad = (n: number) => { if (n === 2) throw new Error('sync boom'); return n === 3 ? Promise.reject(new Error('async boom')) : [n]; };
    expect(await runOp(flatMap(bad, { errors: onError.skip() }), [1, 2, 3, 4])).toEqual([1, 4, 'END']);
    await expect(runOp(flatMap(bad), [1, 2])).rejects.toThrow(/flatMap .*item #1.*sync boom/);
    await expect(runOp(flatMap(bad, { concurrency: 2 }), [3])).rejects.toThrow(/item #0.*async boom/);
    await expect(runOp(flatMap(async () => 5 as never), [1])).rejects.toThrow(/must return an iterable/);
  });
  it('retries a failed expansion after the backoff delay', async () => {
    let calls = 0;
    const clock = new VirtualClock();
    const op = flatMap(async (n: number) => { if (calls++ === 0) throw new Error('flaky'); return [n]; }, {
      errors: onError.retry({ maxAttempts: 2, initialDelayMs: 10, jitter: 0 }),
    });
    const run = pipeline().from(fromArray([7])).pipe(op).to(collect()).run({ clock });
    await clock.settle();
    await clock.advanceBy(10);
    expect((await run).result).toEqual([7]);
    expect(calls).toBe(2);
  });
  it('rejects bad arguments', () => {
    expect(() => flatMap(5 as never)).toThrow(InvalidArgumentError);
    expect(() => flatMap(() => [], { concurrency: 0 })).toThrow(/concurrency/);
  });
});
