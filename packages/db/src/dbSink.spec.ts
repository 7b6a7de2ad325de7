import { map, pipeline } from '@streamweave/core';
import { CheckpointCoordinator, memoryBackend, memoryCheckpointStorage } from '@streamweave/state';
import knexFactory, { type Knex } from 'knex';
import { dbIncrementalSource, dbSink } from './index.js';
import { dialects, unique, until } from './test-support/services.js';

jest.setTimeout(30_000);

const sqlite = dialects.find((d) => d.name === 'sqlite')!;

/**
 * A knex instance whose transactions start `delayMs` late and, once `crashed` is set,
 * never reach the database: what a process killed during a write leaves behind.
 */
function crashable(knex: Knex, delayMs: number): { knex: Knex; crash(): void } {
  let crashed = false;
  const proxy = new Proxy(knex, {
    get(target, prop, receiver) {
      if (prop !== 'transaction') return Reflect.get(target, prop, receiver) as unknown;
      return async (fn: (trx: Knex.Transaction) => Promise<unknown>) => {
        await new Promise((r) => setTimeout(r, delayMs));
        if (crashed) throw new Error('the process died before this transaction was sent');
        return target.transaction(fn);
      };
    },
  });
  return { knex: proxy, crash: () => (crashed = true) };
}

describe('dbSink under checkpoints (SQLite, no server)', () => {
  let knex: Knex;
  const tables: string[] = [];
  beforeAll(() => {
    knex = knexFactory(sqlite.config());
  });
  afterAll(async () => {
    for (const t of tables) await knex.schema.dropTableIfExists(t);
    await knex.destroy();
  });
  const table = async (prefix: string) => {
    const name = unique(prefix);
    tables.push(name);
    await knex.schema.createTable(name, (t) => t.integer('id'));
    return name;
  };
  const fill = (t: string, from: number, to: number) => knex(t).insert(Array.from({ length: to - from + 1 }, (_, i) => ({ id: from + i })));

  it('a checkpoint completes only once the rows before its barrier are committed, so a crash right after it loses nothing', async () => {
    const src = await table('ck_src');
    const dst = await table('ck_dst');
    await fill(src, 1, 100);
    const backend = memoryBackend();
    const storage = memoryCheckpointStorage();
    const slow = crashable(knex, 150);
    let emitted = 0;
    const first = new CheckpointCoordinator({ backend, storage });
    const ac = new AbortController();
    const run = first.run(
      pipeline()
        .from(dbIncrementalSource({ connection: knex, table: src, column: 'id', batchSize: 10, pollIntervalMs: 10, name: 'src' }))
        .pipe(map((r: Record<string, unknown>) => (emitted++, r)))
        // One batch holds everything: only the barrier flushes it.
        .to(dbSink({ connection: slow.knex, table: dst, batchSize: 1000, retries: 0, name: 'out' })),
      { runOptions: { signal: ac.signal } },
    );
    run.catch(() => undefined);
    await until(() => emitted === 100, 10_000, 'the 100 source rows');
    const meta = await first.triggerCheckpoint();
    expect(meta.positions['src']).toEqual({ after: 100 });
    // The checkpoint is complete: the process dies now, before anything else reaches the database.
    slow.crash();
    ac.abort();
    await expect(run).rejects.toThrow();
    expect(await sqlite.cli(`select count(*), count(distinct id) from ${dst}`)).toEqual(['100\t100']);

    await fill(src, 101, 120);
    const second = await new CheckpointCoordinator({ backend, storage }).run(
      pipeline()
        .from(dbIncrementalSource({ connection: knex, table: src, column: 'id', batchSize: 10, stopWhenCaughtUp: true, name: 'src' }))
        .pipe(map((r: Record<string, unknown>) => r))
        .to(dbSink({ connection: knex, table: dst, batchSize: 1000, name: 'out' })),
    );
    expect(second.restoredFrom).toBe(meta.id);
    expect(second.result).toEqual({ rows: 20, transactions: 1 });
    expect(await sqlite.cli(`select count(*), count(distinct id), min(id), max(id) from ${dst}`)).toEqual(['120\t120\t1\t120']);
  });

  it('a barrier flush that fails fails the checkpoint and the run', async () => {
    const src = await table('ck_fail_src');
    await fill(src, 1, 5);
    const failed: string[] = [];
    const coordinator = new CheckpointCoordinator({ onCheckpointFailed: (e) => failed.push(e.message) });
    let emitted = 0;
    const run = coordinator.run(
      pipeline()
        .from(dbIncrementalSource({ connection: knex, table: src, column: 'id', pollIntervalMs: 10, name: 'src' }))
        .pipe(map((r: Record<string, unknown>) => (emitted++, r)))
        .to(dbSink({ connection: knex, table: unique('no_such_table'), retries: 0, name: 'out' })),
    );
    run.catch(() => undefined);
    await until(() => emitted === 5, 10_000, 'the 5 source rows');
    await expect(coordinator.triggerCheckpoint()).rejects.toThrow(/"out" could not store its snapshot .*could not write 5 rows to sw_no_such_table_.*no such table/);
    await expect(run).rejects.toThrow(/could not write 5 rows to sw_no_such_table_/);
    expect(failed).toHaveLength(1);
  });
});
