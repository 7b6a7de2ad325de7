/**
 * The signal contract of every routing node, checked with graph runs: at every fan-in the output
 * watermark is the minimum over the live inputs and a barrier passes only once every input delivered
 * it (items behind it wait); at every fan-out every signal reaches every branch, in order.
 */
import { checkpointBarrier, fromArray, graph, type MultiPortTransformer, VirtualClock, watermark } from '../index.js';
import { record, timed } from '../operators/internal/testkit.js';
import { broadcast } from './broadcast.js';
import { concat } from './concat.js';
import { interleave } from './interleave.js';
import { keyPartition } from './keyPartition.js';
import { loadBalance } from './loadBalance.js';
import { merge } from './merge.js';
import { orderedMerge } from './orderedMerge.js';
import { partition } from './partition.js';
import { roundRobin } from './roundRobin.js';
import { route } from './route.js';
import { split } from './split.js';
import { zip } from './zip.js';

type AnyNode = MultiPortTransformer<never, never>;
const fanIns: Array<[string, AnyNode]> = [
  ['merge', merge(['a', 'b']) as never],
  ['orderedMerge', orderedMerge(['a', 'b'], { key: (x: number) => x, eventTime: true }) as never],
  ['zip', zip(['a', 'b']) as never],
  ['concat', concat(['a', 'b']) as never],
  ['interleave', interleave(['a', 'b']) as never],
];

describe('fan-in signal alignment', () => {
  it.each(fanIns)('%s: watermark = min over live inputs, barriers aligned, one EndOfStream', async (_name, node) => {
    const clock = new VirtualClock();
    const run = graph()
      .source('a', timed<number>([[0, 1], [10, watermark(10)], [30, checkpointBarrier(1, 0)], [32, 3], [50, watermark(30)], [70, 5]]))
      .source('b', timed<number>([[5, watermark(20)], [20, 2], [40, checkpointBarrier(1, 0)], [45, 4], [60, watermark(40)], [80, 6]]))
      .node('n', node)
      .sink('out', record<unknown>())
      .connect('a', 'n.a' as never)
      .connect('b', 'n.b' as never)
      .connect('n' as never, 'out' as never)
      .build()
      .run({ clock });
    await clock.settle();
    await clock.advanceBy(100);
    const out = (await run).result.out as unknown[];
    const signals = out.filter((x) => typeof x === 'string');
    // t=50 a: W30 → min(30, 20); t=60 b: W40 → min(30, 40); t=70 a ends → b's 40 alone.
    expect(signals).toEqual(['W10', 'B1', 'W20', 'W30', 'W40', 'END']);
    // Items delivered after a barrier on one input (3 at t=32) never come out before the barrier.
    const b1 = out.indexOf('B1');
    const flat = out.flatMap((x) => (Array.isArray(x) ? x : [x]));
    expect(out.slice(0, b1).flatMap((x) => (Array.isArray(x) ? x : [x]))).not.toContain(3);
    expect(flat.filter((x) => typeof x === 'number').length).toBeGreaterThan(0);
  });
});

const fanOuts: Array<[string, AnyNode, string[]]> = [
  ['split', split({ x: (n: number) => n > 1, y: (n: number) => n < 3 }) as never, ['x', 'y']],
  ['partition', partition((n: number) => n % 2 === 0) as never, ['matched', 'unmatched']],
  ['route', route((n: number) => (n === 1 ? 'one' : undefined), ['one'], { default: 'rest' }) as never, ['one', 'rest']],
  ['broadcast', broadcast(['x', 'y']) as never, ['x', 'y']],
  ['broadcast (buffered)', broadcast(['x', 'y'], { buffer: { size: 2, overflow: 'dropNewest' } }) as never, ['x', 'y']],
  ['roundRobin', roundRobin(['x', 'y', 'z']) as never, ['x', 'y', 'z']],
  ['loadBalance', loadBalance(['x', 'y']) as never, ['x', 'y']],
  ['keyPartition', keyPartition((n: number) => n, ['x', 'y']) as never, ['x', 'y']],
];

describe('fan-out signal delivery', () => {
  it.each(fanOuts)('%s: every signal reaches every branch, in order', async (_name, node, ports) => {
    let g = graph().source('src', fromArray<number>([1, watermark(5), 2, checkpointBarrier(1, 0), 3, watermark(9)] as number[])).node('n', node) as never as {
      sink(n: string, c: unknown): typeof g;
      connect(a: string, b: string): typeof g;
      build(): { run(): Promise<{ result: Record<string, unknown[]> }> };
    };
    for (const p of ports) g = g.sink(p, record());
    g = g.connect('src', 'n');
    for (const p of ports) g = g.connect(`n.${p}`, p);
    const { result } = await g.build().run();
    let items = 0;
    for (const p of ports) {
      expect(result[p]!.filter((x) => typeof x === 'string')).toEqual(['W5', 'B1', 'W9', 'END']);
      items += result[p]!.filter((x) => typeof x === 'number').length;
    }
    expect(items).toBeGreaterThanOrEqual(3);
  });
});
