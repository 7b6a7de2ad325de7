import { collect, fromAsyncIterable, InvalidArgumentError, onError, pipeline, VirtualClock, watermark } from '../index.js';
import { runOp } from './internal/testkit.js';
import { keyedReduce } from './keyedReduce.js';

const count = () => keyedReduce((w: string) => w, (n: number) => n + 1, () => 0);

describe('keyedReduce', () => {
  it('emits one aggregate per key at the end of input (in first-seen order), before EndOfStream', async () => {
    expect(await runOp(count(), ['a', 'b', watermark(1), 'a'])).toEqual(['W1', { key: 'a', value: 2 }, { key: 'b', value: 1 }, 'END']);
  });
  it('emits rolling aggregates per item', async () => {
    const op = keyedReduce((x: number) => x % 2, (s: number, x: number) => s + x, () => 0, { emit: 'rolling' });
    expect(await runOp(op, [1, 2, 3])).toEqual([{ key: 1, value: 1 }, { key: 0, value: 2 }, { key: 1, value: 4 }, 'END']);
  });
  it('evicts beyond maxKeys giving recently used keys a second chance (CLOCK), emitting the evicted key', async () => {
    const op = keyedReduce((w: string) => w, (n: number) => n + 1, () => 0, { maxKeys: 2 });
    expect(await runOp(op, ['a', 'b', 'a', 'c', 'b'])).toEqual([
      { key: 'b', value: 1 },
      { key: 'a', value: 2 },
      { key: 'c', value: 1 },
      { key: 'b', value: 1 },
      'END',
    ]);
  });
  it('expires idle keys on the run clock', async () => {
    const clock = new VirtualClock();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* src() {
      yield 'a';
      yield 'b';
      await gate;
      yield 'a';
    }
    const op = keyedReduce((w: string) => w, (n: number) => n + 1, () => 0, { idleMs: 100 });
    const run = pipeline().from(fromAsyncIterable(src())).pipe(op).to(collect()).run({ clock });
    await clock.settle();
    await clock.advanceBy(100);
    release();
    await clock.settle();
    expect((await run).result).toEqual([{ key: 'a', value: 1 }, { key: 'b', value: 1 }, { key: 'a', value: 1 }]);
  });
  it('names the component and position when a key is missing or the key function throws', async () => {
    const op = keyedReduce((x: { k?: string }) => x.k, (n: number) => n + 1, () => 0);
    await expect(runOp(op, [{ k: 'a' }, {}])).rejects.toThrow(/keyedReduce "keyedReduce", item #1, attempt 1\] failed: item has no key/);
    const skip = keyedReduce((x: number) => { if (x === 0) throw new Error('k'); return x; }, (n: number) => n + 1, () => 0, { errors: onError.skip() });
    expect(await runOp(skip, [0, 1])).toEqual([{ key: 1, value: 1 }, 'END']);
    const badReduce = keyedReduce((x: number) => x, () => { throw new Error('r'); }, () => 0, { errors: onError.skip() });
    expect(await runOp(badReduce, [1])).toEqual([{ key: 1, value: 0 }, 'END']);
  });
  it('validates bounds', () => {
    expect(() => keyedReduce((x) => x, (a) => a, () => 0, { maxKeys: 0 })).toThrow(InvalidArgumentError);
    expect(() => keyedReduce((x) => x, (a) => a, () => 0, { idleMs: -1 })).toThrow(/idleMs/);
  });
});
