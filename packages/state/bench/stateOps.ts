/**
 * Keyed-count state operations per second (one op = read the current key's count and
 * write it back + 1, through the keyed state API) vs a plain Map, in one run:
 *  1. the state API alone (a `valueState` bound to each working store, no pipeline):
 *     heap store, LMDB working store with every key cached, with 10% cached, and with
 *     1 000 000 keys behind a 10 000-entry cache;
 *  2. `keyedCount` in a pipeline, without a coordinator and with a checkpoint every
 *     second into each backend (memory, LMDB, Redis, PostgreSQL, MariaDB, SQLite), and
 *     with the LMDB working store;
 *  3. per backend, how fast a 10 000-key snapshot is written and read back.
 * Rounds rotate the order of the variants; figures are medians over rounds, wall and CPU.
 * `node --conditions=@streamweave/source --import tsx bench/stateOps.ts`
 * Env: BENCH_OPS (default 2 000 000), BENCH_ROUNDS (default 3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEach, map, pipeline, range, systemClock } from '@streamweave/core';
import {
  CheckpointCoordinator,
  heapKeyedStore,
  type KeyedStateStoreFactory,
  keyedCount,
  memoryBackend,
  memoryCheckpointStorage,
  type StateBackend,
  valueState,
} from '@streamweave/state';
import { lmdbBackend, lmdbKeyedStore, redisBackend, sqlBackend } from '@streamweave/state/node';
import { fmt, measure, median, rounds, type Sample, type Variant } from './measure.js';

const ops = Number(process.env.BENCH_OPS ?? 2_000_000);
const roundCount = Number(process.env.BENCH_ROUNDS ?? 3);
const keys = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'state-bench-ops-'));
let seq = 0;

// ---- 1. the keyed state API alone ----

const count = valueState<number>({ defaultValue: 0 });
/** `n` get+update ops over `keySpace` keys (key i * 7919 mod keySpace: spread, not sequential). */
function apiRun(factory: () => KeyedStateStoreFactory, keySpace: number, n: number): () => Promise<Sample> {
  return async () => {
    const f = factory();
    const store = f.open({ operatorId: 'count', clock: systemClock, ttl: new Map([['count', undefined]]) });
    store.restore(undefined);
    const state = count.bind(store, 'count');
    try {
      return await measure(n, () => {
        for (let i = 0; i < n; i++) {
          store.currentKey = String((i * 7919) % keySpace);
          state.update(state.value()! + 1);
        }
      });
    } finally {
      store.close?.();
      await (f as { close?: () => Promise<void> }).close?.();
    }
  };
}
const lmdb = (cacheSize: number) => () => lmdbKeyedStore({ path: join(dir, `api-${++seq}`), cacheSize });
const big = 1_000_000;
/** Ops of the rows that mostly miss the cache (slower by two orders of magnitude). */
const slowOps = Math.min(ops, 500_000);
const api: Variant[] = [
  {
    name: 'plain Map',
    run: () =>
      measure(ops, () => {
        const counts = new Map<number, number>();
        for (let i = 0; i < ops; i++) {
          const k = (i * 7919) % keys;
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
      }),
  },
  { name: 'heap store', run: apiRun(() => heapKeyedStore(), keys, ops) },
  { name: 'lmdb store, all keys cached', run: apiRun(lmdb(keys), keys, ops) },
  { name: 'lmdb store, 10% cached', run: apiRun(lmdb(keys / 10), keys, slowOps) },
  { name: `lmdb store, ${big / 1e6}M keys, 1% cached`, run: apiRun(lmdb(big / 100), big, slowOps) },
];

// ---- 2. keyedCount in a pipeline, per backend ----

const backends: Array<[string, () => StateBackend]> = [
  ['memory', () => memoryBackend()],
  ['lmdb', () => lmdbBackend({ path: join(dir, `backend-${++seq}`) })],
  ['redis', () => redisBackend({ prefix: `state-bench-${process.pid}-${++seq}` })],
  ['postgresql', () => sqlBackend({ knex: { client: 'pg', connection: { host: '127.0.0.1', user: 'postgres', database: 'test' } }, job: `state-bench-${process.pid}-${++seq}` })],
  ['mariadb', () => sqlBackend({ knex: { client: 'mysql2', connection: { host: '127.0.0.1', user: 'root', database: 'test' } }, job: `state-bench-${process.pid}-${++seq}` })],
  ['sqlite', () => sqlBackend({ knex: { client: 'better-sqlite3', connection: { filename: join(dir, `sqlite-${++seq}.db`) } }, job: 'bench' })],
];
const job = (store?: KeyedStateStoreFactory, n = ops) =>
  pipeline()
    .from(range(0, n, { name: 'src' }))
    .pipe(keyedCount({ keyBy: (x: number) => x % keys, name: 'count', ...(store ? { store } : {}) }))
    .to(forEach(() => undefined));
const unavailable = new Map<string, string>();
async function withCoordinator(backendName: string, make: () => StateBackend, store?: () => KeyedStateStoreFactory, n = ops): Promise<Sample> {
  const backend = make();
  const keyed = store?.();
  try {
    const coordinator = new CheckpointCoordinator({ backend, storage: memoryCheckpointStorage(), intervalMs: 1000 });
    return await measure(n, () => coordinator.run(job(keyed, n)));
  } catch (e) {
    unavailable.set(backendName, (e as Error).message.split('\n')[0]!);
    return { rate: NaN, cpuRate: NaN };
  } finally {
    await backend.close().catch(() => undefined);
    await (keyed as { close?: () => Promise<void> } | undefined)?.close?.();
  }
}
const inPipeline: Variant[] = [
  {
    name: 'map over a Map (no keyed state)',
    run: () => {
      const counts = new Map<number, number>();
      return measure(ops, () =>
        pipeline()
          .from(range(0, ops))
          .pipe(map((x: number) => counts.set(x % keys, (counts.get(x % keys) ?? 0) + 1).size))
          .to(forEach(() => undefined))
          .run(),
      );
    },
  },
  { name: 'keyedCount, heap, no coordinator', run: () => measure(ops, () => job().run()) },
  ...backends.map(([name, make]): Variant => ({ name: `keyedCount, heap, checkpoint/s → ${name}`, run: () => withCoordinator(name, make) })),
  {
    name: 'keyedCount, lmdb store (all cached), no coordinator',
    run: async () => {
      const store = lmdb(keys)();
      try {
        return await measure(ops, () => job(store).run());
      } finally {
        await store.close();
      }
    },
  },
  { name: 'keyedCount, lmdb store (all cached), checkpoint/s → lmdb', run: () => withCoordinator('lmdb', backends[1]![1], lmdb(keys)) },
  { name: 'keyedCount, lmdb store (10% cached), checkpoint/s → lmdb', run: () => withCoordinator('lmdb', backends[1]![1], lmdb(keys / 10), slowOps) },
];

const report = (title: string, samples: Map<string, Sample[]>, base: string) => {
  const b = median(samples.get(base)!.map((s) => s.rate));
  const bc = median(samples.get(base)!.map((s) => s.cpuRate));
  console.log(title);
  for (const [name, ss] of samples) {
    const backend = name.split('→ ')[1];
    if (backend && unavailable.has(backend)) {
      console.log(`  ${name.padEnd(58)} skipped: ${unavailable.get(backend)}`);
      continue;
    }
    const w = median(ss.map((s) => s.rate));
    const c = median(ss.map((s) => s.cpuRate));
    const spread = `${fmt(Math.min(...ss.map((s) => s.rate)))}–${fmt(Math.max(...ss.map((s) => s.rate)))}`;
    console.log(`  ${name.padEnd(58)} ${fmt(w).padStart(11)} ops/s (${(w / b).toFixed(3)}; range ${spread}), ${fmt(c).padStart(11)} ops/CPU-s (${(c / bc).toFixed(3)})`);
  }
};

const apiSamples = await rounds(api, roundCount, (l) => console.error(`state API: ${l}`));
const pipeSamples = await rounds(inPipeline, roundCount, (l) => console.error(`pipeline: ${l}`));
console.log(`keyed count: ${ops} get+update ops over ${keys} keys (rows that mostly miss the cache: ${slowOps}), ${roundCount} rounds, medians; ratio vs the first row`);
report('1. keyed state API alone (valueState.value() + update() on the store)', apiSamples, 'plain Map');
report('2. in a pipeline (range → keyedCount → forEach)', pipeSamples, 'map over a Map (no keyed state)');

// ---- 3. snapshot write + read back, per backend ----

const counts = new Map<number, number>();
for (let i = 0; i < keys; i++) counts.set(i, 200);
const snapshot = [...counts].map(([k, v]) => [`count\u0000${k}`, JSON.stringify([v, 0])] as const);
console.log(`3. snapshot of ${keys} keyed counts, write + read back, 5 rounds (entries/s)`);
for (const [name, make] of backends) {
  const backend = make();
  try {
    const t0 = performance.now();
    for (let round = 1; round <= 5; round++) {
      await backend.write(round, 'count', snapshot);
      const back = await backend.read(round, 'count');
      if (back?.length !== snapshot.length) throw new Error('read back a different snapshot');
      await backend.discard(round);
    }
    console.log(`  ${name.padEnd(11)} ${fmt((5 * keys) / ((performance.now() - t0) / 1000)).padStart(12)} entries/s`);
  } catch (e) {
    console.log(`  ${name.padEnd(11)} skipped: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    await backend.close().catch(() => undefined);
  }
}
rmSync(dir, { recursive: true, force: true });
process.exit(0);
