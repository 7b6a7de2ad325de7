/**
 * Keyed-count state operations per second: heap keyed state (what every operator
 * uses while processing) vs a plain Map, and per backend the rate at which a
 * keyed-count snapshot is persisted and read back (entries/s), in one run.
 * `node --conditions=@streamweave/source --import tsx bench/stateOps.ts`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEach, map, pipeline, range } from '@streamweave/core';
import { keyedCount, memoryBackend, type StateBackend } from '@streamweave/state';
import { lmdbBackend, redisBackend, sqlBackend } from '@streamweave/state/node';

const ops = 2_000_000;
const keys = 10_000;

// Baseline: a plain Map doing the same read-increment-write per item.
let t0 = performance.now();
const counts = new Map<number, number>();
for (let i = 0; i < ops; i++) counts.set(i % keys, (counts.get(i % keys) ?? 0) + 1);
const mapRate = ops / ((performance.now() - t0) / 1000);

// The same count in a stateless map over a Map: the pipeline cost without keyed state.
const inPipeline = new Map<number, number>();
t0 = performance.now();
await pipeline()
  .from(range(0, ops))
  .pipe(map((x: number) => inPipeline.set(x % keys, (inPipeline.get(x % keys) ?? 0) + 1).size))
  .to(forEach(() => undefined))
  .run();
const pipeRate = ops / ((performance.now() - t0) / 1000);

t0 = performance.now();
await pipeline().from(range(0, ops)).pipe(keyedCount({ keyBy: (x: number) => x % keys })).to(forEach(() => undefined)).run();
const heapRate = ops / ((performance.now() - t0) / 1000);

console.log(`keyed count, ${ops} ops over ${keys} keys`);
console.log(`  plain Map:                        ${Math.round(mapRate).toLocaleString('en')} ops/s (1.00)`);
console.log(`  map over a Map in a pipeline:     ${Math.round(pipeRate).toLocaleString('en')} ops/s (${(pipeRate / mapRate).toFixed(3)})`);
console.log(`  keyedCount (keyed heap state):    ${Math.round(heapRate).toLocaleString('en')} ops/s (${(heapRate / mapRate).toFixed(3)}; ${(heapRate / pipeRate).toFixed(3)} of the pipeline baseline)`);

const snapshot = [...counts].map(([k, v]) => [`count\u0000${k}`, JSON.stringify([v, 0])] as const);
const dir = mkdtempSync(join(tmpdir(), 'sw-bench-ops-'));
const backends: Array<[string, () => StateBackend]> = [
  ['memory', () => memoryBackend()],
  ['lmdb', () => lmdbBackend({ path: join(dir, 'lmdb') })],
  ['redis', () => redisBackend({ prefix: `bench-${process.pid}` })],
  ['postgresql', () => sqlBackend({ knex: { client: 'pg', connection: { host: '127.0.0.1', user: 'postgres', database: 'test' } }, job: `bench-${process.pid}` })],
  ['mariadb', () => sqlBackend({ knex: { client: 'mysql2', connection: { host: '127.0.0.1', user: 'root', database: 'test' } }, job: `bench-${process.pid}` })],
  ['sqlite', () => sqlBackend({ knex: { client: 'better-sqlite3', connection: { filename: join(dir, 'sqlite.db') } }, job: 'bench' })],
];
console.log(`snapshot of ${keys} keyed counts, write + read back, 5 rounds`);
for (const [name, make] of backends) {
  const backend = make();
  try {
    t0 = performance.now();
    for (let round = 1; round <= 5; round++) {
      await backend.write(round, 'count', snapshot);
      const back = await backend.read(round, 'count');
      if (back?.length !== snapshot.length) throw new Error('read back a different snapshot');
      await backend.discard(round);
    }
    const rate = (5 * keys) / ((performance.now() - t0) / 1000);
    console.log(`  ${name.padEnd(11)} ${Math.round(rate).toLocaleString('en').padStart(12)} entries/s (${(rate / mapRate).toFixed(4)} of Map ops/s)`);
  } catch (e) {
    console.log(`  ${name.padEnd(11)} skipped: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    await backend.close().catch(() => undefined);
  }
}
rmSync(dir, { recursive: true, force: true });
process.exit(0);
