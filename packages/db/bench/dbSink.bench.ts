/**
 * dbSink rows/s against a raw batched knex insert (one transaction per batch of 500),
 * on each reachable dialect, measured in one run, interleaved.
 *
 *   pnpm --filter @streamweave/db bench      # BENCH_ROWS=50000 by default
 */
import { fromArray, pipeline } from '@streamweave/core';
import knexFactory, { type Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dbSink } from '../src/index.js';

const n = Number(process.env.BENCH_ROWS ?? 50_000);
const batch = 500;
const rounds = 3;
const rows = Array.from({ length: n }, (_, i) => ({ id: i, name: `name-${i}`, amount: i * 3 }));
const dir = mkdtempSync(join(tmpdir(), 'sw-db-bench-'));
const quiet = { warn: () => undefined, error: () => undefined, debug: () => undefined, deprecate: () => undefined };
const dialects: Array<[string, Knex.Config]> = [
  ['sqlite', { client: 'better-sqlite3', connection: { filename: join(dir, 'bench.db') }, useNullAsDefault: true }],
  ['postgresql', { client: 'pg', connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' }, log: quiet }],
  ['mariadb', { client: 'mysql2', connection: { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' }, log: quiet }],
];

async function fresh(knex: Knex, table: string) {
  await knex.schema.dropTableIfExists(table);
  await knex.schema.createTable(table, (t) => {
    t.integer('id').primary();
    t.string('name', 64);
    t.integer('amount');
  });
}

async function raw(knex: Knex, table: string): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i += batch) await knex.transaction((trx) => trx(table).insert(rows.slice(i, i + batch)));
  return performance.now() - t0;
}

async function sw(knex: Knex, table: string): Promise<number> {
  const t0 = performance.now();
  await pipeline().from(fromArray(rows)).to(dbSink({ connection: knex, table, batchSize: batch })).run();
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`dbSink vs raw batched knex insert, ${n} rows, batches of ${batch}, median of ${rounds} interleaved rounds`);
for (const [name, config] of dialects) {
  const knex = knexFactory({ ...config, pool: { min: 0, max: 4 } });
  try {
    await knex.raw('select 1');
  } catch (e) {
    console.log(`  ${name.padEnd(10)} skipped: ${(e as Error).message}`);
    await knex.destroy();
    continue;
  }
  const table = `sw_bench_${process.pid}`;
  const r: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await fresh(knex, table);
    r.push(await raw(knex, table));
    await fresh(knex, table);
    s.push(await sw(knex, table));
  }
  await knex.schema.dropTableIfExists(table);
  await knex.destroy();
  const rawRate = (n / median(r)) * 1000;
  const swRate = (n / median(s)) * 1000;
  console.log(`  ${name.padEnd(10)} raw ${Math.round(rawRate).toLocaleString('en')} rows/s, dbSink ${Math.round(swRate).toLocaleString('en')} rows/s, ratio ${(swRate / rawRate).toFixed(3)}`);
}
rmSync(dir, { recursive: true, force: true });
