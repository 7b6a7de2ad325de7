import fc from 'fast-check';
import { checkpointBarrier, fromArray, graph, InvalidArgumentError, watermark } from '../index.js';
import { record } from '../operators/internal/testkit.js';
import { orderedMerge } from './orderedMerge.js';

type Ev = { ts: number; src: string };
const run = async (a: unknown[], b: unknown[], eventTime = false) =>
  (
    await graph()
      .source('a', fromArray(a as Ev[]))
      .source('b', fromArray(b as Ev[]))
      .node('m', orderedMerge<Ev, number, ['a', 'b']>(['a', 'b'], { key: (e: Ev) => e.ts, eventTime }))
      .sink('out', record<Ev>())
      .connect('a', 'm.a')
      .connect('b', 'm.b')
      .connect('m', 'out')
      .build()
      .run()
  ).result.out;

describe('orderedMerge', () => {
  it('merges sorted inputs into one sorted stream', async () => {
    const out = await run([{ ts: 1, src: 'a' }, { ts: 4, src: 'a' }], [{ ts: 2, src: 'b' }, { ts: 3, src: 'b' }, { ts: 9, src: 'b' }]);
    expect(out.map((e) => (typeof e === 'string' ? e : e.ts))).toEqual([1, 2, 3, 4, 9, 'END']);
  });
  it('releases items at or below the combined watermark in event-time mode, and everything before a barrier', async () => {
    const out = await run([{ ts: 1, src: 'a' }, watermark(5), checkpointBarrier(1, 0)], [watermark(5), checkpointBarrier(1, 0), { ts: 7, src: 'b' }], true);
    expect(out.map((e) => (typeof e === 'string' ? e : e.ts))).toEqual([1, 'W5', 'B1', 7, 'END']);
  });
  it('is sorted for any sorted inputs (property, fixed seed)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(100), { maxLength: 30 }), fc.array(fc.nat(100), { maxLength: 30 }), async (xs, ys) => {
        const a = [...xs].sort((p, q) => p - q).map((ts) => ({ ts, src: 'a' }));
        const b = [...ys].sort((p, q) => p - q).map((ts) => ({ ts, src: 'b' }));
        const out = (await run(a, b)).slice(0, -1) as Ev[];
        expect(out.map((e) => e.ts)).toEqual([...xs, ...ys].sort((p, q) => p - q));
      }),
      { seed: 9, numRuns: 30 },
    );
  });
  it('names the node and position for an item lacking the key', async () => {
    await expect(run([{ src: 'a' }], [])).rejects.toThrow(/orderedMerge "m", item #0.*has no key/);
    expect(() => orderedMerge(2, {} as never)).toThrow(InvalidArgumentError);
  });
});
