import { pipeline } from '@streamweave/core';
import { CheckpointCoordinator } from '@streamweave/state';
import knexFactory from 'knex';
import { dbIncrementalSource, dbSink, exactlyOnceDbSink } from './index.js';
import { privatePostgresAvailable, type PrivatePostgres, startPrivatePostgres } from './test-support/privatePostgres.js';
import { quiet, unique, until } from './test-support/services.js';

jest.setTimeout(90_000);

(privatePostgresAvailable() ? describe : describe.skip)('@streamweave/db across a PostgreSQL server crash and restart (private cluster)', () => {
  let pg: PrivatePostgres;
  beforeAll(async () => {
    pg = await startPrivatePostgres();
  });
  afterAll(() => pg?.destroy());

  const produce = (src: string, from: number, to: number) =>
    pg.psqlAsync(`insert into ${src} (id, n) values ${Array.from({ length: to - from + 1 }, (_, i) => `(${from + i}, ${(from + i) * 2})`).join(',')}`);

  for (const mode of ['dbSink', 'exactlyOnceDbSink'] as const) {
    it(`${mode}: every row arrives${mode === 'exactlyOnceDbSink' ? ' exactly once' : ' (at-least-once)'} when the server is crashed (pg_ctl stop -m immediate) and restarted mid-run`, async () => {
      const src = unique('rs_src');
      const dst = unique('rs_dst');
      pg.psql(`create table ${src} (id integer primary key, n integer); create table ${dst} (id integer, n integer)`);
      const knex = knexFactory({ client: 'pg', log: quiet, connection: { host: '127.0.0.1', port: pg.port, user: 'postgres', database: 'postgres' }, pool: { min: 0, max: 4 } });
      const resilience = { retries: 10, backoffMs: 50 };
      const sink =
        mode === 'exactlyOnceDbSink'
          ? exactlyOnceDbSink({ connection: knex, table: dst, batchSize: 50, ...resilience, name: 'out' })
          : dbSink({ connection: knex, table: dst, batchSize: 25, ...resilience, name: 'out' });
      const completed: number[] = [];
      const coordinator = new CheckpointCoordinator({ intervalMs: 40, onCheckpointComplete: (m) => completed.push(m.id) });
      const ac = new AbortController();
      const run = coordinator.run(
        pipeline()
          .from(dbIncrementalSource({ connection: knex, table: src, column: 'id', batchSize: 20, pollIntervalMs: 10, ...resilience, name: 'src' }))
          .to(sink as never),
        { runOptions: { signal: ac.signal } },
      );
      run.catch(() => undefined);
      const distinct = () => Number(pg.psql(`select count(distinct id) from ${dst}`)[0]);
      // An independent producer (psql) inserts 600 rows, 20 at a time, and retries while the server is down.
      let produced = 0;
      let producerRetries = 0;
      const producer = (async () => {
        while (produced < 600) {
          try {
            await produce(src, produced + 1, produced + 20);
            produced += 20;
          } catch {
            producerRetries++;
          }
          await new Promise((r) => setTimeout(r, 15));
        }
      })();
      // Crash while rows are still being produced and written.
      await until(() => distinct() >= 100, 20_000, 'the first rows in the sink table');
      const atCrash = { produced, written: distinct() };
      const before = pg.pid();
      const checkpointsBefore = completed.length;
      await pg.stop('immediate');
      await new Promise((r) => setTimeout(r, 300));
      await pg.start();
      expect(pg.pid()).not.toBe(before);
      await producer;
      expect(atCrash.produced).toBeLessThan(600);
      await until(() => distinct() === 600, 60_000, 'all 600 rows in the sink table');
      // The run went on through the restart: checkpoints completed after it.
      await until(() => completed.length > checkpointsBefore + 1, 10_000, 'a checkpoint after the restart');
      ac.abort();
      await run.catch(() => undefined);
      await knex.destroy();
      const [count, unique_, min, max, sum] = pg.psql(`select count(*), count(distinct id), min(id), max(id), sum(n) from ${dst}`)[0]!.split('\t').map(Number);
      expect([unique_, min, max]).toEqual([600, 1, 600]);
      const duplicates = count! - 600;
      const duplicated = pg.psql(`select id, count(*) from ${dst} group by id having count(*) > 1 order by id`).map((l) => l.split('\t').map(Number) as [number, number]);
      // n = 2 × id: the sum checks every row's content, duplicates included.
      expect(sum).toBe(600 * 601 + duplicated.reduce((acc, [id, c]) => acc + 2 * id * (c - 1), 0));
      if (mode === 'exactlyOnceDbSink') {
        expect(duplicates).toBe(0);
      } else {
        // dbSink writes one transaction at a time (its flushes are chained), and the source retries a failed poll
        // from its last position, so the only possible duplicates are one batch: the transaction in flight at the
        // crash, whose commit may have reached the disk while its reply was lost, retried whole. Its rows are
        // consecutive ids, each written exactly twice, at most batchSize (25) of them.
        expect(duplicated.every(([, c]) => c === 2)).toBe(true);
        expect(duplicated).toHaveLength(duplicates);
        expect(duplicates).toBeLessThanOrEqual(25);
        if (duplicates > 0) expect(duplicated[duplicates - 1]![0] - duplicated[0]![0] + 1).toBe(duplicates);
      }
      console.info(`${mode} across a PostgreSQL crash: at the crash ${atCrash.produced} rows produced, ${atCrash.written} written; in the end 600 distinct rows, ${duplicates} duplicates; the producer retried ${producerRetries} times`);
    });
  }
});
