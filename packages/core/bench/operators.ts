/**
 * Operator library benchmarks (ratios against a baseline measured in the same run):
 *  1. keyedReduce (groupBy + reduce) over N items and 10k keys through a full pipeline run,
 *     vs a hand-written Map loop computing the same sums (target ≥ 0.5×);
 *  2. intervalJoin throughput: two keyed streams with watermarks through a graph;
 *  3. externalSort of M records with a 50 MB memory bound spilling to disk (fileRunStore),
 *     vs in-memory Array.prototype.sort of the same records.
 *
 * Run: pnpm --filter @streamweave/core bench   (ITEMS=2000000 SORT=1000000 for a quick run)
 */
import { defineProducer, externalSort, graph, intervalJoin, keyedReduce, partition, pipeline, reduceTo, watermark, type Element, type Producer } from '@streamweave/core';
import { fileRunStore } from '@streamweave/core/node';

const ITEMS = Number(process.env.ITEMS ?? 10_000_000);
const KEYS = 10_000;
const JOIN = Number(process.env.JOIN ?? 1_000_000);
const SORT = Number(process.env.SORT ?? 5_000_000);

const time = async <R>(label: string, fn: () => Promise<R> | R): Promise<{ ms: number; r: R }> => {
  const t0 = performance.now();
  const r = await fn();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(48)} ${ms.toFixed(0).padStart(7)} ms`);
  return { ms, r };
};
const counter = (n: number, make: (i: number) => Element<unknown>, every = 0, wm?: (i: number) => number) =>
  defineProducer<unknown>('bench', {}, undefined, () => {
    let i = 0;
    return {
      pull(emit, demand) {
        const end = Math.min(n, i + demand);
        for (; i < end; i++) {
          emit(make(i));
          if (every > 0 && i % every === every - 1) emit(watermark(wm!(i)));
        }
        return i < n;
      },
    };
  });

/** A plain source of 0…n−1 (kept monomorphic: the generic `counter` below is shared by several benches). */
const numbers = (n: number) =>
  defineProducer<number>('numbers', {}, undefined, () => {
    let i = 0;
    return {
      pull(emit, demand) {
        const end = Math.min(n, i + demand);
        for (; i < end; i++) emit(i);
        return i < n;
      },
    };
  });

// 1. groupBy + reduce
const baseline1 = await time(`Map loop, ${ITEMS} items / ${KEYS} keys`, () => {
  const m = new Map<number, number>();
  for (let i = 0; i < ITEMS; i++) {
    const k = i % KEYS;
    m.set(k, (m.get(k) ?? 0) + i);
  }
  return m.size;
});
const run1 = await time('keyedReduce pipeline', async () => {
  const { result } = await pipeline()
    .from(numbers(ITEMS))
    .pipe(keyedReduce((x: number) => x % KEYS, (s: number, x: number) => s + x, () => 0))
    .to(reduceTo((n: number) => n + 1, 0))
    .run();
  return result;
});
if (run1.r !== KEYS || baseline1.r !== KEYS) throw new Error('groupBy results differ');
console.log(`  ratio (baseline ms / pipeline ms): ${(baseline1.ms / run1.ms).toFixed(2)}×  (${((ITEMS / run1.ms) * 1000 / 1e6).toFixed(1)} M items/s)`);

// 2. interval join: one source interleaving both sides (as two live feeds would), split by partition
type Ev = { a: boolean; k: number; ts: number };
const side = { key: (e: Ev) => e.k, timestamp: (e: Ev) => e.ts };
const run2 = await time(`intervalJoin, 2 × ${JOIN} events`, async () => {
  const { result } = await graph()
    .source('feed', counter(2 * JOIN, (i) => ({ a: i % 2 === 0, k: (i >> 1) % 1000, ts: (i >> 1) + (i % 2) * 5 }), 2000, (i) => (i >> 1) - 100) as never as Producer<Ev>)
    .node('sides', partition((e: Ev) => e.a))
    .node('j', intervalJoin<Ev, Ev, number>({ left: side, right: side, lowerMs: 0, upperMs: 10 }))
    .sink('n', reduceTo((n: number) => n + 1, 0))
    .connect('feed', 'sides')
    .connect('sides.matched', 'j.left')
    .connect('sides.unmatched', 'j.right')
    .connect('j', 'n')
    .build()
    .run();
  return result.n;
});
if (run2.r !== JOIN) throw new Error(`interval join found ${run2.r} pairs, expected ${JOIN}`);
console.log(`  ${run2.r} pairs; ${(((2 * JOIN) / run2.ms) * 1000 / 1e6).toFixed(2)} M input events/s`);

// 3. spill sort
let seed = 1;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const records = Array.from({ length: SORT }, (_, i) => ({ id: Math.floor(rand() * 1e9), n: i }));
const baseline3 = await time(`Array.prototype.sort, ${SORT} records`, () => [...records].sort((a, b) => a.id - b.id).length);
const run3 = await time('externalSort, 50 MB bound, fileRunStore', async () => {
  let last = -1;
  const { result } = await pipeline()
    .from(counter(SORT, (i) => records[i]!) as never as Producer<{ id: number; n: number }>)
    .pipe(externalSort<{ id: number; n: number }, number>({ key: (r) => r.id, maxBytesInMemory: 50 * 1024 * 1024, estimateBytes: () => 80, store: () => fileRunStore() }))
    .to(
      reduceTo((n: number, r: { id: number }) => {
        if (r.id < last) throw new Error('not sorted');
        last = r.id;
        return n + 1;
      }, 0),
    )
    .run();
  return result;
});
if (run3.r !== baseline3.r) throw new Error('sort lost records');
console.log(`  ratio (baseline ms / spill sort ms): ${(baseline3.ms / run3.ms).toFixed(2)}×`);
