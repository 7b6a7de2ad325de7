import { checkpointBarrier, fromArray, graph, VirtualClock, watermark } from '../index.js';
import { record, timed } from '../operators/internal/testkit.js';
import { concat } from './concat.js';
import { interleave } from './interleave.js';
import { merge } from './merge.js';
import { zip } from './zip.js';

const two = <O>(node: unknown, a: unknown[], b: unknown[]) =>
  graph()
    .source('a', fromArray(a))
    .source('b', fromArray(b))
    .node('m', node as never)
    .sink('out', record<O>())
    .connect('a', 'm.a' as never)
    .connect('b', 'm.b' as never)
    .connect('m' as never, 'out' as never)
    .build()
    .run()
    .then((r) => (r.result as { out: unknown[] }).out);

describe('merge', () => {
  it('combines watermarks as the minimum, aligns barriers and ends once', async () => {
    const clock = new VirtualClock();
    const run = graph()
      .source('a', timed<number>([[0, 1], [10, watermark(10)], [30, checkpointBarrier(1, 0)], [32, 2], [50, watermark(30)]]))
      .source('b', timed<number>([[5, watermark(20)], [20, 5], [35, checkpointBarrier(1, 0)], [45, 6], [60, watermark(40)]]))
      .node('m', merge<number, ['a', 'b']>(['a', 'b']))
      .sink('out', record<number>())
      .connect('a', 'm.a')
      .connect('b', 'm.b')
      .connect('m', 'out')
      .build()
      .run({ clock });
    await clock.settle();
    await clock.advanceBy(100);
    // W10 once both inputs passed 10 (b's W20 alone is held back); a's 2 (t=32) waits behind B1 until b delivers B1 (t=35);
    // a's W30 lifts the minimum to b's 20; once a has ended, b's W40 counts alone.
    expect((await run).result.out).toEqual([1, 'W10', 5, 'B1', 2, 6, 'W20', 'W40', 'END']);
  });
  it('keeps counting an input that finished while held at a barrier until its buffered tail has passed', async () => {
    // Both sources are synchronous: a runs to its end while it waits at B1 for b.
    const out = await two(merge(['a', 'b']), [1, watermark(10), checkpointBarrier(1, 0), 2, watermark(30)], [watermark(20), 5, checkpointBarrier(1, 0), 6]);
    expect(out).toEqual([1, 'W10', 5, 'B1', 2, 'W20', 6, 'END']);
  });
  it('names its inputs in0… for a count', async () => {
    const { result } = await graph()
      .source('x', fromArray([1]))
      .source('y', fromArray([2]))
      .node('m', merge<number, 2>(2))
      .sink('out', record<number>())
      .connect('x', 'm.in0')
      .connect('y', 'm.in1')
      .connect('m', 'out')
      .build()
      .run();
    expect(result.out.sort()).toEqual([1, 2, 'END']);
  });
});

describe('zip', () => {
  it('pairs the i-th items and drops leftovers once an input is exhausted', async () => {
    const { result, stats } = await graph()
      .source('a', fromArray(['x', 'y', 'z']))
      .source('b', fromArray([1, 2]))
      .node('z', zip<string | number, ['a', 'b']>(['a', 'b']))
      .sink('out', record<Array<string | number>>())
      .connect('a', 'z.a')
      .connect('b', 'z.b')
      .connect('z', 'out')
      .build()
      .run();
    expect(result.out).toEqual([['x', 1], ['y', 2], 'END']);
    expect(stats.z!.skipped).toBe(1);
  });
});

describe('concat', () => {
  it('emits the first input entirely, then the second', async () => {
    expect(await two(concat(['a', 'b']), [1, 2, watermark(4)], [3, 4, watermark(6)])).toEqual([1, 2, 3, 4, 'W6', 'END']);
  });
});

describe('interleave', () => {
  it('takes one item from each input in turn until one ends', async () => {
    expect(await two(interleave(['a', 'b']), [1, 3, 5, 7], [2, 4])).toEqual([1, 2, 3, 4, 5, 7, 'END']);
  });
  it('emits waiting items in rotation before a barrier', async () => {
    expect(await two(interleave(['a', 'b']), [1, 3, checkpointBarrier(1, 0)], [checkpointBarrier(1, 0), 2])).toEqual([1, 3, 'B1', 2, 'END']);
  });
});
