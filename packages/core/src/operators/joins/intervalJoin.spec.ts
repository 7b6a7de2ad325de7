import fc from 'fast-check';
import { checkpointBarrier, fromArray, graph, InvalidArgumentError, onError, watermark, type Element } from '../../index.js';
import { record } from '../internal/testkit.js';
import { intervalJoin, type JoinedPair } from './intervalJoin.js';

type E = { k: string; ts: number; id: string };
const side = { key: (e: E) => e.k, timestamp: (e: E) => e.ts };
const join = async (a: Array<Element<E>>, b: Array<Element<E>>, lowerMs: number, upperMs: number, errors?: ReturnType<typeof onError.skip>) =>
  (
    await graph()
      .source('a', fromArray(a as E[]))
      .source('b', fromArray(b as E[]))
      .node('j', intervalJoin<E, E, string>({ left: side, right: side, lowerMs, upperMs, ...(errors ? { errors } : {}) }))
      .sink('out', record<JoinedPair<E, E>>())
      .connect('a', 'j.left')
      .connect('b', 'j.right')
      .connect('j', 'out')
      .build()
      .run()
  ).result.out;

const withWatermarks = (xs: E[]): Array<Element<E>> => [...xs].sort((p, q) => p.ts - q.ts).flatMap((e) => [watermark(e.ts), e]);
const pairs = (out: unknown[]) => out.filter((x) => typeof x !== 'string').map((p) => `${(p as JoinedPair<E, E>).left.id}-${(p as JoinedPair<E, E>).right.id}`).sort();

describe('intervalJoin', () => {
  it('joins b within [a − x, a + y] by key and forwards aligned signals', async () => {
    const a = [{ k: 'u', ts: 100, id: 'a1' }, { k: 'v', ts: 100, id: 'a2' }];
    const b = [{ k: 'u', ts: 95, id: 'b1' }, { k: 'u', ts: 120, id: 'b2' }, { k: 'u', ts: 131, id: 'b3' }, { k: 'v', ts: 89, id: 'b4' }, checkpointBarrier(1, 0)];
    const out = await join([...a, checkpointBarrier(1, 0)], b, 10, 30);
    expect(pairs(out)).toEqual(['a1-b1', 'a1-b2']);
    expect(out.filter((x) => typeof x === 'string')).toEqual(['B1', 'END']);
  });
  it('equals a nested-loop reference join on random inputs, watermarks included (property, fixed seed)', async () => {
    const ev = (p: string) => fc.array(fc.record({ k: fc.constantFrom('x', 'y', 'z'), ts: fc.nat(60) }), { maxLength: 25 }).map((xs) => xs.map((e, i) => ({ ...e, id: `${p}${i}` })));
    await fc.assert(
      fc.asyncProperty(ev('a'), ev('b'), fc.nat(10), fc.nat(10), async (as, bs, x, y) => {
        const expected: string[] = [];
        for (const a of as) for (const b of bs) if (a.k === b.k && b.ts >= a.ts - x && b.ts <= a.ts + y) expected.push(`${a.id}-${b.id}`);
        expect(pairs(await join(withWatermarks(as), withWatermarks(bs), x, y))).toEqual(expected.sort());
      }),
      { seed: 21, numRuns: 60 },
    );
  });
  it('names the operator and position for an item lacking its key or timestamp', async () => {
    await expect(join([{ k: 'u', ts: 1, id: 'a' }, { ts: 2 } as E], [], 0, 0)).rejects.toThrow(/intervalJoin "j", item #1.*has no left join key/);
    await expect(join([], [{ k: 'u', id: 'b' } as E], 0, 0)).rejects.toThrow(/item #0.*has no right timestamp/);
    expect(await join([{ k: 'u', id: 'a' } as E, { k: 'u', ts: 1, id: 'a2' }], [{ k: 'u', ts: 1, id: 'b' }], 0, 0, onError.skip())).toHaveLength(2);
    expect(() => intervalJoin({ left: side, right: side, lowerMs: -5, upperMs: 1 })).toThrow(InvalidArgumentError);
    expect(() => intervalJoin({ left: side, right: { key: side.key } as never })).toThrow(/right.timestamp/);
  });
});
