/**
 * Proves that dbQuerySource streams a cursor instead of loading the result: every row carries
 * `nextval(<sequence>)`, which the server evaluates only when it produces that row, and a sequence
 * is not transactional, so another connection sees how many rows the server has produced so far.
 * The consumer holds the first item (one credit); a load-everything implementation would have made
 * the server produce all 20,000 rows (80 MB) before the first item arrived.
 */
import { forEach, pipeline } from '@streamweave/core';
import knexFactory from 'knex';
import { dbQuerySource } from './index.js';
import { type Dialect, dialects, unique, until } from './test-support/services.js';

jest.setTimeout(60_000);

const rows = 20_000;
const byName = (name: string) => dialects.find((d) => d.name === name)!;

/** Runs `sql` through dbQuerySource with one credit, holds the first item, and calls `whileHeld` meanwhile; then lets the rest through. */
async function holdFirstRow(d: Dialect, sql: string, whileHeld: () => Promise<void>): Promise<number[]> {
  const knex = knexFactory({ ...d.config(), pool: { min: 0, max: 2 } });
  try {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ids: number[] = [];
    const run = pipeline()
      .from(dbQuerySource({ connection: knex, query: (db) => db.raw(sql), map: (r) => Number(r.id) }))
      .to(
        forEach(async (id: number) => {
          ids.push(id);
          if (ids.length === 1) await gate;
        }),
      )
      .run({ creditWindow: 1 });
    run.catch(() => undefined);
    await until(() => ids.length === 1, 20_000, 'the first row');
    try {
      await whileHeld();
    } finally {
      release();
    }
    await run;
    return ids;
  } finally {
    await knex.destroy();
  }
}

/** Reads `read()` until it returns the same value for `quietMs`, so nothing is still in flight. */
async function settled(read: () => Promise<number>, quietMs = 500): Promise<number> {
  let value = await read();
  for (;;) {
    await new Promise((r) => setTimeout(r, quietMs));
    const again = await read();
    if (again === value) return value;
    value = again;
  }
}

const expectAllRowsInOrder = (ids: number[]) => {
  expect(ids).toHaveLength(rows);
  expect(ids.every((id, i) => id === i + 1)).toBe(true);
};

const postgres = byName('postgresql');
(postgres.up() ? describe : describe.skip)('dbQuerySource streams a cursor on PostgreSQL', () => {
  it('while the first row is held, the server has produced exactly two pg-query-stream batches (200 of 20,000 rows) and the query is still active', async () => {
    const seq = unique('cursor_seq');
    await postgres.cli(`create sequence ${seq}`);
    try {
      const produced = () => postgres.cli(`select case when is_called then last_value else 0 end from ${seq}`).then((r) => Number(r[0]));
      let atFirst = -1;
      let state: string[] = [];
      const ids = await holdFirstRow(postgres, `select g as id, nextval('${seq}') as produced, repeat('x', 4000) as pad from generate_series(1, ${rows}) g`, async () => {
        await until(async () => (await produced()) >= 200, 10_000, 'the first batches');
        atFirst = await settled(produced);
        state = await postgres.cli(`select state from pg_stat_activity where query like '%nextval(''${seq}'')%' and pid <> pg_backend_pid()`);
      });
      // pg-query-stream fetches 100 rows per batch up to a high-water mark of 100: the first batch fills the
      // buffer, taking row 1 drops it below the mark, which fetches one more batch; then it waits for credit.
      expect(atFirst).toBe(200);
      expect(state).toEqual(['active']);
      expectAllRowsInOrder(ids);
      expect(await produced()).toBe(rows);
    } finally {
      await postgres.cli(`drop sequence if exists ${seq}`);
    }
  });
});

const mariadb = byName('mariadb');
(mariadb.up() ? describe : describe.skip)('dbQuerySource streams a result set on MariaDB', () => {
  it('while the first row is held, the server has produced only what fits in the socket buffers and waits "Writing to net"', async () => {
    const seq = unique('cursor_seq');
    await mariadb.cli(`create sequence ${seq} nocache`);
    try {
      // A NOCACHE sequence stores the next value after every nextval: produced rows = next value - 1.
      const produced = () => mariadb.cli(`select next_not_cached_value - 1 from ${seq}`).then((r) => Number(r[0]));
      let atFirst = -1;
      let processes: string[] = [];
      const ids = await holdFirstRow(mariadb, `select seq as id, nextval(${seq}) as produced, repeat('x', 4000) as pad from seq_1_to_${rows}`, async () => {
        atFirst = await settled(produced);
        processes = await mariadb.cli(`select command, state from information_schema.processlist where info like '%nextval(${seq})%' and id <> connection_id()`);
      });
      // mysql2 pauses the socket while the stream is full; the server blocks in its write once the kernel's
      // buffers are full (a few MB: about a thousand 4 kB rows here, the figure depends on TCP autotuning).
      console.info(`MariaDB: ${atFirst} of ${rows} rows produced while the first row was held`);
      expect(atFirst).toBeGreaterThan(0);
      expect(atFirst).toBeLessThan(rows / 4);
      expect(processes).toEqual(['Query\tWriting to net']);
      expectAllRowsInOrder(ids);
      expect(await produced()).toBe(rows);
    } finally {
      await mariadb.cli(`drop sequence if exists ${seq}`);
    }
  });
});
