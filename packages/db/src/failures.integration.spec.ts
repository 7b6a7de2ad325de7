import { collect, fromArray, pipeline } from '@streamweave/core';
import { CheckpointCoordinator } from '@streamweave/state';
import knexFactory, { type Knex } from 'knex';
import { dbIncrementalSource, dbQuerySource, dbSink, exactlyOnceDbSink } from './index.js';
import { dialects, quiet, serverUp, unique, until } from './test-support/services.js';

jest.setTimeout(30_000);

const postgres = dialects.find((d) => d.name === 'postgresql')!;
const sqlite = dialects.find((d) => d.name === 'sqlite')!;

describe('@streamweave/db bad input', () => {
  it('an unreachable server fails after bounded retries, naming the address and the cause', async () => {
    const run = pipeline()
      .from(dbQuerySource({ connection: { client: 'pg', log: quiet, connection: { host: '127.0.0.1', port: 1, user: 'postgres', database: 'test' } }, query: (db) => db('x'), retries: 2, backoffMs: 5 }))
      .to(collect())
      .run();
    await expect(run).rejects.toThrow(/\[dbQuerySource "dbQuerySource"\] cannot connect to pg 127\.0\.0\.1:1\/test after 3 attempts: .*ECONNREFUSED/);
  });

  it('a sink that cannot connect fails the run with the address', async () => {
    const run = pipeline()
      .from(fromArray([{ id: 1 }]))
      .to(dbSink({ connection: { client: 'mysql2', log: quiet, connection: { host: '127.0.0.1', port: 1, user: 'root', database: 'test' } }, table: 't', retries: 1, backoffMs: 5 }))
      .run();
    await expect(run).rejects.toThrow(/cannot connect to mysql2 127\.0\.0\.1:1\/test after 2 attempts/);
  });

  it('a URL connection is described without its password', async () => {
    const run = pipeline()
      .from(dbQuerySource({ connection: { client: 'pg', connection: 'postgres://postgres:secret@127.0.0.1:1/test', log: quiet }, query: (db) => db('x'), retries: 0 }))
      .to(collect())
      .run();
    await expect(run).rejects.toThrow(/cannot connect to pg postgres:\/\/127\.0\.0\.1:1\/test after 1 attempts/);
    await expect(run).rejects.not.toThrow(/secret/);
  });

  it('a query that fails names the node and the cause (SQLite, no server)', async () => {
    const run = pipeline()
      .from(dbQuerySource({ connection: sqlite.config(), query: (db) => db('no_such_table'), retries: 0 }))
      .to(collect())
      .run();
    await expect(run).rejects.toThrow(/\[dbQuerySource "dbQuerySource", item #0\] query failed: .*no such table: no_such_table/);
  });

  it('an exactly-once commit that fails names the transaction and the table (SQLite, no server)', async () => {
    const knex = knexFactory(sqlite.config());
    try {
      const run = pipeline()
        .from(fromArray([{ id: 1 }]))
        .to(exactlyOnceDbSink({ connection: knex, table: 'no_such_table', retries: 0 }))
        .run();
      await expect(run).rejects.toThrow(/could not commit transaction 0 \(1 rows\) to no_such_table: .*no such table: no_such_table/);
    } finally {
      await knex.destroy();
    }
  });

  it('an exactly-once run that fails before its commit writes nothing (SQLite, no server)', async () => {
    const knex = knexFactory(sqlite.config());
    const t = unique('eo_fail');
    try {
      await knex.schema.createTable(t, (c) => c.integer('id'));
      const run = pipeline()
        .from(fromArray([1, 2, 3]))
        .to(
          exactlyOnceDbSink({
            connection: knex,
            table: t,
            toRow: (x: number) => {
              if (x === 2) throw new Error('row 2 cannot be mapped');
              return { id: x };
            },
          }),
        )
        .run();
      await expect(run).rejects.toThrow(/row 2 cannot be mapped/);
      expect(await sqlite.cli(`select count(*) from ${t}`)).toEqual(['0']);
    } finally {
      await knex.schema.dropTableIfExists(t);
      await knex.destroy();
    }
  });

  it('a retry decision of the error strategy polls again from the same position (SQLite, no server)', async () => {
    const knex = knexFactory(sqlite.config());
    const t = unique('late');
    const decisions: number[] = [];
    try {
      const run = pipeline()
        .from(
          dbIncrementalSource({
            connection: knex,
            table: t,
            column: 'id',
            retries: 0,
            stopWhenCaughtUp: true,
            map: (r) => Number(r.id),
            errors: {
              kind: 'custom',
              decide: (f) => {
                decisions.push(f.attempt);
                return { retryAfterMs: 20 };
              },
            },
          }),
        )
        .to(collect())
        .run();
      await until(() => decisions.length > 0, 5000, 'the first failed poll');
      await knex.schema.createTable(t, (c) => c.integer('id'));
      await knex(t).insert([{ id: 1 }, { id: 2 }]);
      expect((await run).result).toEqual([1, 2]);
      expect(decisions[0]).toBe(1);
    } finally {
      await knex.schema.dropTableIfExists(t);
      await knex.destroy();
    }
  });

  (serverUp('MariaDB', 3306) ? it : it.skip)('a wrong password says authentication failed, without retrying', async () => {
    const t0 = Date.now();
    const run = pipeline()
      .from(dbIncrementalSource({ connection: { client: 'mysql2', connection: { host: '127.0.0.1', port: 3306, user: 'root', password: 'wrong-password', database: 'test' }, log: quiet }, table: 't', column: 'id', retries: 5, backoffMs: 1000 }))
      .to(collect())
      .run();
    await expect(run).rejects.toThrow(/authentication failed at mysql2 127\.0\.0\.1:3306\/test: Access denied for user 'root'/);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

(postgres.up() ? describe : describe.skip)('@streamweave/db when PostgreSQL drops our connections mid-run', () => {
  let admin: Knex;
  const tables: string[] = [];
  beforeAll(() => {
    admin = knexFactory(postgres.config());
  });
  afterAll(async () => {
    for (const t of tables) await admin.schema.dropTableIfExists(t);
    await admin('streamweave_sink_epochs').whereIn('sink_id', tables).delete();
    await admin.destroy();
  });
  const table = async (prefix: string) => {
    const name = unique(prefix);
    tables.push(name);
    await admin.schema.createTable(name, (t) => {
      t.integer('id');
      t.integer('n');
    });
    return name;
  };
  const terminate = async (app: string): Promise<number> => {
    const r = await postgres.cli(`select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = '${app}'`);
    return Number(r[0]);
  };
  const produce = async (src: string, from: number, to: number) => {
    const values = Array.from({ length: to - from + 1 }, (_, i) => `(${from + i}, ${(from + i) * 2})`).join(',');
    await postgres.cli(`insert into ${src} (id, n) values ${values}`);
  };

  for (const mode of ['at-least-once dbSink', 'exactly-once dbSink'] as const) {
    it(`${mode}: nothing lost${mode.startsWith('exactly') ? ' and nothing duplicated' : ''} when our backends are terminated`, async () => {
      const app = unique('app');
      const src = await table('chaos_src');
      const dst = await table('chaos_dst');
      const knex = knexFactory({ ...postgres.config(app), pool: { min: 0, max: 4 } });
      const source = dbIncrementalSource({ connection: knex, table: src, column: 'id', batchSize: 20, pollIntervalMs: 10, retries: 8, backoffMs: 20, name: 'src' });
      const ac = new AbortController();
      const sink =
        mode === 'exactly-once dbSink'
          ? exactlyOnceDbSink({ connection: knex, table: dst, batchSize: 50, retries: 8, backoffMs: 20, name: 'out' })
          : dbSink({ connection: knex, table: dst, batchSize: 25, retries: 8, backoffMs: 20, name: 'out' });
      const coordinator = new CheckpointCoordinator({ intervalMs: 30 });
      const run = coordinator.run(pipeline().from(source).to(sink as never), { runOptions: { signal: ac.signal } });
      let killed = 0;
      for (let i = 0; i < 6; i++) {
        await produce(src, i * 50 + 1, i * 50 + 50);
        await new Promise((r) => setTimeout(r, 60));
        killed += await terminate(app);
      }
      await until(async () => Number((await postgres.cli(`select count(distinct id) from ${dst}`))[0]) === 300, 20_000, 'all 300 rows in the sink table');
      ac.abort();
      await run.catch(() => undefined);
      await knex.destroy();
      expect(killed).toBeGreaterThan(0);
      const [count, distinct, min, max] = (await postgres.cli(`select count(*), count(distinct id), min(id), max(id) from ${dst}`))[0]!.split('\t').map(Number);
      expect([distinct, min, max]).toEqual([300, 1, 300]);
      if (mode === 'exactly-once dbSink') expect(count).toBe(300);
      else expect(count).toBeGreaterThanOrEqual(300);
    });
  }
});
