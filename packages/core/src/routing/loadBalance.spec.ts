import fc from 'fast-check';
import { collect, fromArray, graph, map, mapAsync, VirtualClock, watermark } from '../index.js';
import { record } from '../operators/internal/testkit.js';
import { loadBalance } from './loadBalance.js';

describe('loadBalance', () => {
  it('shares evenly between equally fast branches and sends every signal to every branch', async () => {
    const { result } = await graph()
      .source('src', fromArray<number>([1, 2, watermark(1), 3, 4] as number[]))
      .node('lb', loadBalance<number, ['a', 'b']>(['a', 'b']))
      .sink('a', record<number>())
      .sink('b', record<number>())
      .connect('src', 'lb')
      .connect('lb.a', 'a')
      .connect('lb.b', 'b')
      .build()
      .run();
    expect(result).toEqual({ a: [1, 'W1', 3, 'END'], b: [2, 'W1', 4, 'END'] });
  });
  it('sends more to the branch that holds less credit', async () => {
    const clock = new VirtualClock();
    const slowWork = mapAsync((x: number) => new Promise<number>((r) => clock.schedule(() => r(x), 100)), { concurrency: 8 });
    const run = graph()
      .source('src', fromArray(Array.from({ length: 12 }, (_, i) => i)))
      .node('lb', loadBalance<number, ['slow', 'fast']>(['slow', 'fast']))
      .transform('slowWork', slowWork)
      .transform('fastWork', map((x: number) => x))
      .sink('slowSink', collect<number>())
      .sink('fastSink', collect<number>())
      .connect('src', 'lb')
      .connect('lb.slow', 'slowWork')
      .connect('lb.fast', 'fastWork')
      .connect('slowWork', 'slowSink')
      .connect('fastWork', 'fastSink')
      .build()
      .run({ clock });
    await clock.advanceBy(200);
    const { result } = await run;
    expect(result.slowSink).toEqual([0]);
    expect(result.fastSink).toHaveLength(11);
  });
  it('stays balanced across fast branches (property, fixed seed)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 4 }), async (n, k) => {
        const names = ['p', 'q', 'r', 's'].slice(0, k);
        let g = graph().source('src', fromArray(Array.from({ length: n }, (_, i) => i))).node('lb', loadBalance(names)) as never as ReturnType<typeof graph>;
        for (const name of names) g = (g as never as { sink: (a: string, b: unknown) => never }).sink(name, record()) as never;
        g = (g as never as { connect: (a: string, b: string) => never }).connect('src', 'lb');
        for (const name of names) g = (g as never as { connect: (a: string, b: string) => never }).connect(`lb.${name}`, name);
        const { result } = await (g as never as { build: () => { run: () => Promise<{ result: Record<string, unknown[]> }> } }).build().run();
        const sizes = names.map((x) => result[x]!.length - 1);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
      { seed: 5, numRuns: 25 },
    );
  });
});
