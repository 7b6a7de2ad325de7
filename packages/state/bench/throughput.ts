/**
 * Throughput of a keyed count with checkpoints every 1 s (LMDB backend, local
 * checkpoint directory) vs the same pipeline without checkpoints, in one run.
 * `node --conditions=@streamweave/source --import tsx bench/throughput.ts`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEach, pipeline, range } from '@streamweave/core';
import { CheckpointCoordinator, keyedCount } from '@streamweave/state';
import { lmdbBackend, localCheckpointStorage } from '@streamweave/state/node';

const items = Number(process.env.BENCH_ITEMS ?? 5_000_000);
const keys = 10_000;
const job = () =>
  pipeline()
    .from(range(0, items, { name: 'src' }))
    .pipe(keyedCount({ keyBy: (x: number) => x % keys, name: 'count' }))
    .to(forEach(() => undefined));

async function plain(): Promise<number> {
  const t0 = performance.now();
  await job().run();
  return items / ((performance.now() - t0) / 1000);
}

async function checkpointed(intervalMs: number | undefined): Promise<{ rate: number; checkpoints: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sw-bench-'));
  const backend = lmdbBackend({ path: join(dir, 'state') });
  try {
    const coordinator = new CheckpointCoordinator({ backend, storage: localCheckpointStorage(join(dir, 'chk')), ...(intervalMs ? { intervalMs } : {}) });
    const t0 = performance.now();
    const r = await coordinator.run(job());
    return { rate: items / ((performance.now() - t0) / 1000), checkpoints: r.completedCheckpoints.length };
  } finally {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await plain(); // warm-up
const base: number[] = [];
const finalOnly: number[] = [];
const withCp: number[] = [];
let checkpoints = 0;
for (let i = 0; i < 5; i++) {
  base.push(await plain());
  finalOnly.push((await checkpointed(undefined)).rate);
  const c = await checkpointed(1000);
  withCp.push(c.rate);
  checkpoints = c.checkpoints;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const b = median(base);
const f = median(finalOnly);
const c = median(withCp);
const pct = (x: number) => `${((1 - x / b) * 100).toFixed(1)}% overhead, ratio ${(x / b).toFixed(3)}`;
console.log(`keyed count, ${items} items, ${keys} keys, LMDB backend (median of 5, interleaved)`);
console.log(`  no coordinator:                     ${Math.round(b).toLocaleString('en')} items/s`);
console.log(`  coordinator, final checkpoint only: ${Math.round(f).toLocaleString('en')} items/s (${pct(f)})`);
console.log(`  coordinator, checkpoint every 1 s:  ${Math.round(c).toLocaleString('en')} items/s (${pct(c)}; ${checkpoints} checkpoints incl. final)`);
console.log(`  periodic checkpoints alone: ratio ${(c / f).toFixed(3)} vs final-only`);
