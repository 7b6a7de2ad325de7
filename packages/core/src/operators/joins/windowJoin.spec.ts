import fc from 'fast-check';
import { fromArray, graph, InvalidArgumentError, VirtualClock, watermark, type Element } from '../../index.js';
import { record, timed } from '../internal/testkit.js';
import { windowJoin, type WindowJoinResult, type WindowJoinType } from './windowJoin.js';

type E = { k: string; ts: number; id: string };
const side = { key: (e: E) => e.k, timestamp: (e: E) => e.ts };
const join = async (a: Array<Element<E>>, b: Array<Element<E>>, type: WindowJoinType, sizeMs = 10) => {
  const { result, stats } = await graph()
    .source('a', fromArray(a as E[]))
    .source('b', fromArray(b as E[]))
    .node('j', windowJoin<E, E, string>({ left: side, right: side, sizeMs, type }))
    .sink('out', record<WindowJoinResult<E, E>>())
    .connect('a', 'j.left')
    .connect('b', 'j.right')
    .connect('j', 'out')
    .build()
    .run();
  return { out: result.out, stats: stats.j! };
};
const rows = (out: unknown[]) =>
  out.filter((x) => typeof x !== 'string').map((p) => {
    const r = p as WindowJoinResult<E, E>;
    return `${r.window.start}:${r.left?.id ?? '-'}:${r.right?.id ?? '-'}`;
  }).sort();

describe('windowJoin', () => {
  const a = [{ k: 'u', ts: 1, id: 'a1' }, { k: 'w', ts: 2, id: 'a2' }, { k: 'u', ts: 12, id: 'a3' }];
  const b = [{ k: 'u', ts: 5, id: 'b1' }, { k: 'u', ts: 15, id: 'b2' }, { k: 'z', ts: 3, id: 'b3' }];
  it('emits inner, left and full joins per tumbling window', async () => {
    expect(rows((await join(a, b, 'inner')).out)).toEqual(['0:a1:b1', '10:a3:b2']);
    expect(rows((await join(a, b, 'left')).out)).toEqual(['0:a1:b1', '0:a2:-', '10:a3:b2']);
    expect(rows((await join(a, b, 'full')).out)).toEqual(['0:-:b3', '0:a1:b1', '0:a2:-', '10:a3:b2']);
  });
  it('fires a window when the combined watermark passes its end and drops late items as skipped', async () => {
    const clock = new VirtualClock();
    const run = graph()
      .source('a', timed<E>([[0, { k: 'u', ts: 1, id: 'a1' }], [20, watermark(10)], [30, { k: 'u', ts: 2, id: 'late' }]]))
      .source('b', timed<E>([[1, { k: 'u', ts: 3, id: 'b1' }], [10, watermark(10)]]))
      .node('j', windowJoin<E, E, string>({ left: side, right: side, sizeMs: 10 }))
      .sink('out', record<WindowJoinResult<E, E>>())
      .connect('a', 'j.left')
      .connect('b', 'j.right')
      .connect('j', 'out')
      .build()
      .run({ clock });
    await clock.settle();
    await clock.advanceBy(50);
    const { result, stats } = await run;
    expect(result.out.map((x) => (typeof x === 'string' ? x : `${x.left!.id}-${x.right!.id}`))).toEqual(['a1-b1', 'W10', 'END']);
    expect(stats.j!.skipped).toBe(1);
  });
  it('equals a nested-loop reference join on random inputs (property, fixed seed)', async () => {
    const ev = (p: string) => fc.array(fc.record({ k: fc.constantFrom('x', 'y'), ts: fc.nat(40) }), { maxLength: 20 }).map((xs) => xs.map((e, i) => ({ ...e, id: `${p}${i}` })));
    await fc.assert(
      fc.asyncProperty(ev('a'), ev('b'), fc.constantFrom<WindowJoinType>('inner', 'left', 'full'), async (as, bs, type) => {
        const w = (e: E) => Math.floor(e.ts / 10) * 10;
        const expected: string[] = [];
        for (const l of as) {
          const m = bs.filter((r) => r.k === l.k && w(r) === w(l));
          for (const r of m) expected.push(`${w(l)}:${l.id}:${r.id}`);
          if (m.length === 0 && type !== 'inner') expected.push(`${w(l)}:${l.id}:-`);
        }
        if (type === 'full') for (const r of bs) if (!as.some((l) => l.k === r.k && w(l) === w(r))) expected.push(`${w(r)}:-:${r.id}`);
        expect(rows((await join(as, bs, type)).out)).toEqual(expected.sort());
      }),
      { seed: 13, numRuns: 60 },
    );
  });
  it('validates options and names the operator for bad items', async () => {
    expect(() => windowJoin({ left: side, right: side, sizeMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => windowJoin({ left: side, right: side, sizeMs: 1, type: 'outer' as never })).toThrow(/type/);
    await expect(join([{ k: 'u', ts: 'x' } as never], [], 'inner')).rejects.toThrow(/windowJoin "j", item #0.*has no left timestamp/);
  });
});
