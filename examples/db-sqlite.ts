/**
 * SQL databases with @streamweave/db on SQLite (a temp file, no server): copy a table
 * with the incremental source into an aggregate table through the exactly-once sink
 * under a checkpoint coordinator, then append rows and run again — the restored run
 * reads only the new rows and commits nothing twice. The same code runs on PostgreSQL
 * or MariaDB by changing the knex config.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, map, pipeline } from '@streamweave/core';
import { dbIncrementalSource, dbQuerySource, exactlyOnceDbSink } from '@streamweave/db';
import { CheckpointCoordinator, memoryBackend, memoryCheckpointStorage } from '@streamweave/state';
import knexFactory from 'knex';

const dir = mkdtempSync(join(tmpdir(), 'sw-db-example-'));
const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: join(dir, 'shop.db') }, useNullAsDefault: true });
try {
  await knex.schema.createTable('orders', (t) => {
    t.increments('id');
    t.string('customer');
    t.integer('cents');
  });
  await knex.schema.createTable('order_lines', (t) => {
    t.integer('order_id').primary();
    t.string('line');
  });
  const addOrders = (n: number, from: number) =>
    knex('orders').insert(Array.from({ length: n }, (_, i) => ({ customer: `c${(from + i) % 4}`, cents: (from + i) * 100 })));

  // One backend and storage for both runs: the second run restores the first one's final checkpoint.
  const backend = memoryBackend();
  const storage = memoryCheckpointStorage();
  const job = () =>
    pipeline()
      .from(dbIncrementalSource({ connection: knex, table: 'orders', column: 'id', batchSize: 50, stopWhenCaughtUp: true, name: 'orders' }))
      .pipe(map((o: Record<string, unknown>) => ({ order_id: Number(o.id), line: `${String(o.customer)}: ${Number(o.cents) / 100} EUR` })))
      .to(exactlyOnceDbSink({ connection: knex, table: 'order_lines', name: 'lines' }));

  await addOrders(120, 0);
  const first = await new CheckpointCoordinator({ backend, storage }).run(job());
  await addOrders(30, 120);
  const second = await new CheckpointCoordinator({ backend, storage }).run(job());

  // Read back through the cursor-streaming query source.
  const { result: lines } = await pipeline()
    .from(dbQuerySource({ connection: knex, query: (db) => db('order_lines').orderBy('order_id'), map: (r) => String(r.line) }))
    .to(collect<string>())
    .run();
  if (first.result.records !== 120 || second.result.records !== 30) throw new Error(`wrong runs: ${first.result.records}, ${second.result.records}`);
  if (lines.length !== 150 || lines[0] !== 'c0: 0 EUR' || lines[149] !== 'c1: 149 EUR') throw new Error(`wrong lines: ${lines.length} ${lines[0]} … ${lines[149]}`);
  console.log(`db-sqlite: first run copied ${first.result.records} orders, the restored run only the ${second.result.records} new ones; order_lines has ${lines.length} rows (${lines[0]} … ${lines[149]})`);
} finally {
  await knex.destroy();
  rmSync(dir, { recursive: true, force: true });
}

