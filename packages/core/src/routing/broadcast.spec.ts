import { checkpointBarrier, collect, fromArray, graph, InvalidArgumentError, mapAsync, VirtualClock, watermark } from '../index.js';
import { record } from '../operators/internal/testkit.js';
import { broadcast } from './broadcast.js';

const slow = (clock: VirtualClock, ms: number) => mapAsync((x: number) => new Promise<number>((r) => clock.schedule(() => r(x), ms)));

describe('broadcast', () => {
  it('gives every branch every item and every signal, in order', async () => {
    const { result } = await graph()
      .source('src', fromArray<number>([1, watermark(2), 2, checkpointBarrier(1, 0)] as number[]))
      .node('b', broadcast<number, ['x', 'y']>(['x', 'y']))
      .sink('x', record<number>())
      .sink('y', record<number>())
      .connect('src', 'b')
      .connect('b.x', 'x')
      .connect('b.y', 'y')
      .build()
      .run();
    expect(result).toEqual({ x: [1, 'W2', 2, 'B1', 'END'], y: [1, 'W2', 2, 'B1', 'END'] });
  });
  it('lets a slow branch backpressure all by default: nothing is lost', async () => {
    const clock = new VirtualClock();
    const run = graph()
      .source('src', fromArray([1, 2, 3, 4, 5, 6]))
      .node('b', broadcast<number, 2>(2))
      .transform('slow', slow(clock, 10))
      .sink('fast', collect<number>())
      .sink('slowSink', collect<number>())
      .connect('src', 'b')
      .connect('b.out0', 'fast')
      .connect('b.out1', 'slow')
      .connect('slow', 'slowSink')
      .build()
      .run({ clock, creditWindow: 2 });
    for (let i = 0; i < 10; i++) await clock.advanceBy(10);
    const { result } = await run;
    expect(result).toEqual({ fast: [1, 2, 3, 4, 5, 6], slowSink: [1, 2, 3, 4, 5, 6] });
  });
  it.each([
    ['dropNewest', [1, 2]],
    ['dropOldest', [1, 6]],
  ] as const)('decouples a slow branch with a bounded buffer (%s)', async (overflow, expected) => {
    const clock = new VirtualClock();
    const run = graph()
      .source('src', fromArray([1, 2, 3, 4, 5, 6]))
      .node('b', broadcast<number, ['fast', 'slow']>(['fast', 'slow'], { buffer: { size: 1, overflow } }))
      .transform('work', slow(clock, 10))
      .sink('fastSink', collect<number>())
      .sink('slowSink', record<number>())
      .connect('src', 'b')
      .connect('b.fast', 'fastSink')
      .connect('b.slow', 'work')
      .connect('work', 'slowSink')
      .build()
      .run({ clock });
    for (let i = 0; i < 5; i++) await clock.advanceBy(10);
    const { result, stats } = await run;
    expect(result.fastSink).toEqual([1, 2, 3, 4, 5, 6]);
    expect(result.slowSink).toEqual([...expected, 'END']);
    expect(stats.b!.skipped).toBe(4);
  });
  it('fails naming the node when the overflow policy is error', async () => {
    const clock = new VirtualClock();
    const run = graph()
      .source('src', fromArray([1, 2, 3]))
      .node('b', broadcast<number, ['fast', 'slow']>(['fast', 'slow'], { buffer: { size: 1, overflow: 'error' } }))
      .transform('work', slow(clock, 10))
      .sink('f', collect()).sink('s', collect())
      .connect('src', 'b').connect('b.fast', 'f').connect('b.slow', 'work').connect('work', 's')
      .build()
      .run({ clock });
    const failure = run.catch((e: unknown) => e);
    await clock.advanceBy(50);
    expect(String(await failure)).toMatch(/broadcast "b".*branch "slow" already has 1 items waiting/);
  });
  it('validates the buffer', () => {
    expect(() => broadcast(2, { buffer: { size: 0, overflow: 'error' } })).toThrow(InvalidArgumentError);
    expect(() => broadcast(2, { buffer: { size: 1, overflow: 'nope' as never } })).toThrow(/overflow/);
  });
});
