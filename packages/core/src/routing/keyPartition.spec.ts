import fc from 'fast-check';
import { fromArray, graph, onError } from '../index.js';
import { record } from '../operators/internal/testkit.js';
import { keyPartition, partitionOf } from './keyPartition.js';

describe('keyPartition', () => {
  it('uses a documented, stable hash (FNV-1a 32 of the canonical key text)', () => {
    expect(partitionOf('a', 1 << 30)).toBe(0xe40c292c % (1 << 30));
    expect(partitionOf(1, 7)).toBe(partitionOf(1, 7));
    expect(partitionOf({ a: 1 }, 4)).toBe(partitionOf({ a: 1 }, 4));
  });
  it('sends every item of a key to the same branch (property, fixed seed)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ k: fc.string({ maxLength: 3 }), v: fc.integer() }), { maxLength: 60 }), async (items) => {
        const { result } = await graph()
          .source('src', fromArray(items))
          .node('kp', keyPartition((x: { k: string }) => x.k, 3))
          .sink('a', record<{ k: string }>()).sink('b', record<{ k: string }>()).sink('c', record<{ k: string }>())
          .connect('src', 'kp').connect('kp.out0', 'a').connect('kp.out1', 'b').connect('kp.out2', 'c')
          .build()
          .run();
        const branchOf = new Map<string, number>();
        [result.a, result.b, result.c].forEach((r, i) => {
          for (const x of r.slice(0, -1) as Array<{ k: string }>) {
            expect(branchOf.get(x.k) ?? i).toBe(i);
            branchOf.set(x.k, i);
            expect(partitionOf(x.k, 3)).toBe(i);
          }
        });
        expect(result.a.length + result.b.length + result.c.length - 3).toBe(items.length);
      }),
      { seed: 11, numRuns: 30 },
    );
  });
  it('names the node and position for a missing key', async () => {
    const g = graph().source('src', fromArray([{ k: 'a' }, {}] as Array<{ k?: string }>)).node('kp', keyPartition((x: { k?: string }) => x.k, 2))
      .sink('a', record()).sink('b', record()).connect('src', 'kp').connect('kp.out0', 'a').connect('kp.out1', 'b').build();
    await expect(g.run()).rejects.toThrow(/keyPartition "kp", item #1.*has no key/);
    const s = graph().source('src', fromArray([{}] as Array<{ k?: string }>)).node('kp', keyPartition((x: { k?: string }) => x.k, 1, { errors: onError.skip() }))
      .sink('a', record()).connect('src', 'kp').connect('kp.out0', 'a').build();
    expect((await s.run()).result.a).toEqual(['END']);
  });
});
