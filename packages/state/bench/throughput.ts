/**
 * Throughput of a keyed count with checkpoints every 1 s (LMDB backend, local checkpoint
 * directory) vs the same pipeline without a coordinator, and the same for the LMDB
 * working store. Rounds rotate the order of the variants; the figures are the median
 * over rounds, with per-round (paired) ratios against the plain run as median [min–max],
 * for wall time and for the process's CPU time (which a busy neighbour distorts less).
 * `node --conditions=@streamweave/source --import tsx bench/throughput.ts`
 * Env: BENCH_ITEMS (default 15 000 000: a run must last a few seconds for checkpoints every 1 s to matter), BENCH_ROUNDS (default 7).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEach, pipeline, range } from '@streamweave/core';
import { CheckpointCoordinator, type KeyedStateStoreFactory, keyedCount } from '@streamweave/state';
import { lmdbBackend, lmdbKeyedStore, localCheckpointStorage } from '@streamweave/state/node';
import { fmt, measure, median, pairedRatio, rounds, type Sample, type Variant } from './measure.js';

const items = Number(process.env.BENCH_ITEMS ?? 15_000_000);
const roundCount = Number(process.env.BENCH_ROUNDS ?? 7);
const keys = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'state-bench-throughput-'));
const job = (store?: KeyedStateStoreFactory) =>
  pipeline()
    .from(range(0, items, { name: 'src' }))
    .pipe(keyedCount({ keyBy: (x: number) => x % keys, name: 'count', ...(store ? { store } : {}) }))
    .to(forEach(() => undefined));

let checkpoints = 0;
let seq = 0;
async function checkpointed(intervalMs: number | undefined, store?: () => KeyedStateStoreFactory): Promise<Sample> {
  const at = join(dir, `run-${++seq}`);
  const backend = lmdbBackend({ path: join(at, 'state') });
  const keyed = store?.();
  try {
    const coordinator = new CheckpointCoordinator({ backend, storage: localCheckpointStorage(join(at, 'chk')), ...(intervalMs ? { intervalMs } : {}) });
    let done = 0;
    const sample = await measure(items, async () => (done = (await coordinator.run(job(keyed))).completedCheckpoints.length));
    if (intervalMs) checkpoints = done;
    return sample;
  } finally {
    await backend.close();
    await (keyed as { close?: () => Promise<void> } | undefined)?.close?.();
    rmSync(at, { recursive: true, force: true });
  }
}

function plainWith(store: () => KeyedStateStoreFactory | undefined): () => Promise<Sample> {
  return async () => {
    const keyed = store();
    try {
      return await measure(items, () => job(keyed).run());
    } finally {
      await (keyed as { close?: () => Promise<void> } | undefined)?.close?.();
    }
  };
}

const lmdbStore = () => lmdbKeyedStore({ path: join(dir, `keyed-${++seq}`), cacheSize: keys });
const variants: Variant[] = [
  { name: 'heap, no coordinator', run: plainWith(() => undefined) },
  { name: 'heap, final checkpoint only', run: () => checkpointed(undefined) },
  { name: 'heap, checkpoint every 1 s', run: () => checkpointed(1000) },
  { name: 'lmdb store, no coordinator', run: plainWith(lmdbStore) },
  { name: 'lmdb store, checkpoint every 1 s', run: () => checkpointed(1000, lmdbStore) },
];

await plainWith(() => undefined)(); // warm-up
const samples = await rounds(variants, roundCount, (l) => console.error(l));
rmSync(dir, { recursive: true, force: true });

const wall = (n: string) => samples.get(n)!.map((s) => s.rate);
const cpu = (n: string) => samples.get(n)!.map((s) => s.cpuRate);
console.log(`keyed count, ${items} items, ${keys} keys, LMDB backend; ${roundCount} rounds, variants in rotating order`);
console.log(`median items/s (wall) and items per CPU-second; ratio = per-round paired ratio vs its baseline, median [min–max]`);
for (const [name, base] of [
  ['heap, no coordinator', undefined],
  ['heap, final checkpoint only', 'heap, no coordinator'],
  ['heap, checkpoint every 1 s', 'heap, no coordinator'],
  ['lmdb store, no coordinator', 'heap, no coordinator'],
  ['lmdb store, checkpoint every 1 s', 'lmdb store, no coordinator'],
] as const) {
  const line = `  ${name.padEnd(34)} ${fmt(median(wall(name))).padStart(10)} /s wall, ${fmt(median(cpu(name))).padStart(10)} /CPU-s`;
  console.log(base ? `${line}; vs "${base}": wall ${pairedRatio(wall(name), wall(base))}, CPU ${pairedRatio(cpu(name), cpu(base))}` : line);
}
console.log(`  (${checkpoints} checkpoints per checkpointed run, final included)`);
process.exit(0);
