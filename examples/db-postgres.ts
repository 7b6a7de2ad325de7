/**
 * @streamweave/db on PostgreSQL: write orders with the batched sink, copy them through the
 * incremental source into a second table with the exactly-once sink under a checkpoint
 * coordinator (a second run restores the checkpoint and reads only the new orders), and
 * stream a query through a server-side cursor, sending a row whose `map` throws to a
 * dead-letter consumer. Needs PostgreSQL at STREAMWEAVE_POSTGRES_URL (default
 * postgres://postgres@127.0.0.1:5432/test); without one it prints why it skipped and
 * exits 0 (unless STREAMWEAVE_REQUIRE_SERVICES=1).
 */
import { collect, fromArray, map, onError, pipeline, type DeadLetter } from '@streamweave/core';
import { dbIncrementalSource, dbQuerySource, dbSink, exactlyOnceDbSink } from '@streamweave/db';
import { CheckpointCoordinator, memoryBackend, memoryCheckpointStorage } from '@streamweave/state';
import knexFactory from 'knex';
import { requireServer } from './support/requireServer.js';

const url = process.env.STREAMWEAVE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const { hostname, port } = new URL(url);
await requireServer('PostgreSQL', hostname, Number(port || 5432));

const suffix = Math.random().toString(36).slice(2, 8);
const orders = `example_orders_${suffix}`;
const lines = `example_order_lines_${suffix}`;
const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 4 } });
try {
  await knex.schema.createTable(orders, (t) => {
    t.integer('id').primary();
    t.string('customer');
    t.integer('cents');
  });
  await knex.schema.createTable(lines, (t) => {
    t.integer('order_id').primary();
    t.string('line');
  });
  const order = (id: number) => ({ id, customer: `c${id % 4}`, cents: id === 7 ? -1 : id * 100 });

  // 1. Batched insert: 500 rows per transaction.
  const written = await pipeline()
    .from(fromArray(Array.from({ length: 1200 }, (_, i) => order(i + 1))))
    .to(dbSink({ connection: knex, table: orders, batchSize: 500 }))
    .run();

  // 2. Incremental copy, exactly once; the second run restores the first one's final checkpoint.
  const backend = memoryBackend();
  const storage = memoryCheckpointStorage();
  const job = () =>
    pipeline()
      .from(dbIncrementalSource({ connection: knex, table: orders, column: 'id', batchSize: 200, stopWhenCaughtUp: true, name: 'orders' }))
      .pipe(map((o: Record<string, unknown>) => ({ order_id: Number(o.id), line: `${String(o.customer)}: ${Number(o.cents) / 100} EUR` })))
      .to(exactlyOnceDbSink({ connection: knex, table: lines, name: 'lines' }));
  const first = await new CheckpointCoordinator({ backend, storage }).run(job());
  await knex(orders).insert(Array.from({ length: 300 }, (_, i) => order(1201 + i)));
  const second = await new CheckpointCoordinator({ backend, storage }).run(job());

  // 3. A cursor over the orders; `map` rejects a negative amount and the row goes to the dead letters.
  const streamed = await pipeline()
    .from(
      dbQuerySource({
        connection: knex,
        query: (db) => db(orders).orderBy('id'),
        map: (r) => {
          if (Number(r.cents) < 0) throw new Error(`negative amount ${String(r.cents)}`);
          return Number(r.cents);
        },
        errors: onError.deadLetter(),
        name: 'cursor',
      }),
    )
    .to(collect<number>())
    .run({ deadLetter: collect(), creditWindow: 16 });
  const dead = streamed.deadLetter as DeadLetter<Record<string, unknown>>[];
  const count = Number(((await knex(lines).count({ count: '*' })) as Array<{ count: string }>)[0]?.count);

  if (written.result.rows !== 1200 || first.result.records !== 1200 || second.result.records !== 300 || count !== 1500) {
    throw new Error(`wrong runs: ${written.result.rows} written, ${first.result.records} + ${second.result.records} copied, ${count} lines`);
  }
  if (streamed.result.length !== 1499 || dead.length !== 1 || Number(dead[0]!.item.id) !== 7) throw new Error(`wrong cursor run: ${streamed.result.length} rows, ${dead.length} dead letters`);
  console.log(`db-postgres: dbSink wrote ${written.result.rows} orders in ${written.result.transactions} transactions`);
  console.log(`db-postgres: the first run copied ${first.result.records} orders exactly once, the restored run only the ${second.result.records} new ones (${count} lines)`);
  console.log(`db-postgres: the cursor streamed ${streamed.result.length} amounts; dead letter: ${dead[0]!.error.message}`);
} finally {
  await knex.schema.dropTableIfExists(orders);
  await knex.schema.dropTableIfExists(lines);
  await knex('streamweave_sink_epochs').where('sink_id', lines).delete().catch(() => undefined);
  await knex.destroy();
}
