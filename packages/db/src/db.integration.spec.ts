import { checkpointBarrier, collect, type DeadLetter, type ErrorStrategy, forEach, fromArray, type JsonValue, onError, pipeline, VirtualClock } from '@streamweave/core';
import { CheckpointCoordinator, memoryBackend, memoryCheckpointStorage } from '@streamweave/state';
import knexFactory, { type Knex } from 'knex';
import { dbIncrementalSource, dbQuerySource, dbSink, exactlyOnceDbSink } from './index.js';
import { dialects, unique, until } from './test-support/services.js';

jest.setTimeout(30_000);

for (const dialect of dialects) {
  const up = dialect.up();
  (up ? describe : describe.skip)(`@streamweave/db on ${dialect.name}`, () => {
    let knex: Knex;
    const tables: string[] = [];
    const table = async (prefix: string, unique_ = true): Promise<string> => {
      const name = unique(prefix);
      tables.push(name);
      await knex.schema.createTable(name, (t) => {
        if (unique_) t.integer('id').primary();
        else t.integer('id');
        t.string('name', 64);
        t.integer('n');
      });
      return name;
    };
    const fill = async (name: string, from: number, to: number) => {
      const rows = [];
      for (let i = from; i <= to; i++) rows.push({ id: i, name: `r${i}`, n: i * 10 });
      for (let i = 0; i < rows.length; i += 200) await knex(name).insert(rows.slice(i, i + 200));
    };

    beforeAll(() => {
      knex = knexFactory({ ...dialect.config(), pool: { min: 0, max: 4 } });
    });
    afterAll(async () => {
      for (const t of tables) await knex.schema.dropTableIfExists(t);
      await knex('streamweave_sink_epochs').whereIn('sink_id', tables).delete().catch(() => undefined);
      await knex.destroy();
    });

    it('dbQuerySource streams every row of a query in order, one credit at a time', async () => {
      const t = await table('query');
      await fill(t, 1, 250);
      const { result } = await pipeline()
        .from(dbQuerySource({ connection: knex, query: (db) => db(t).select('id', 'name').orderBy('id'), map: (r) => `${String(r.id)}:${String(r.name)}` }))
        .to(collect())
        .run({ creditWindow: 1 });
      expect(result).toHaveLength(250);
      expect(result.slice(0, 3)).toEqual(['1:r1', '2:r2', '3:r3']);
      expect(result[249]).toBe('250:r250');
    });

    it('dbQuerySource resumes after a recorded row count and records its position at barriers', async () => {
      const t = await table('qseek');
      await fill(t, 1, 20);
      const src = dbQuerySource({ connection: dialect.config(), query: (db) => db(t).orderBy('id'), map: (r) => Number(r.id), name: 'rows' });
      const { result } = await pipeline().from(src).to(collect()).run({ restore: { positions: { rows: 15 } } });
      expect(result).toEqual([16, 17, 18, 19, 20]);
    });

    it('dbIncrementalSource polls by a monotonic column on the run clock and picks up new rows', async () => {
      const t = await table('incr');
      await fill(t, 1, 5);
      const clock = new VirtualClock(0);
      const seen: number[] = [];
      const handle = pipeline()
        .from(dbIncrementalSource({ connection: knex, table: t, column: 'id', batchSize: 2, pollIntervalMs: 1000, map: (r) => Number(r.id) }))
        .to(forEach((x: number) => void seen.push(x)))
        .start({ clock });
      await until(() => seen.length === 5, 10_000, 'the first five rows');
      await fill(t, 6, 8);
      // Nothing new until the poll interval passes on the run's clock.
      await new Promise((r) => setTimeout(r, 100));
      expect(seen).toEqual([1, 2, 3, 4, 5]);
      await clock.advanceBy(1000);
      await until(() => seen.length === 8, 10_000, 'rows 6 to 8');
      handle.drain();
      await clock.advanceBy(1000);
      expect((await handle.result).status).toBe('drained');
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('dbIncrementalSource records the last column value at a barrier and resumes after it', async () => {
      const t = await table('incpos');
      await fill(t, 1, 9);
      const positions: unknown[] = [];
      const src = () => dbIncrementalSource({ connection: knex, table: t, column: 'id', batchSize: 4, stopWhenCaughtUp: true, map: (r) => Number(r.id), name: 'src' });
      const seen: number[] = [];
      const first = pipeline()
        .from(src())
        .to(
          forEach((x: number) => {
            seen.push(x);
            if (x === 4) first.injectBarrier(checkpointBarrier(1, 0));
          }),
        )
        .start({ checkpoints: { onSourceBarrier: (_id, _b, pos) => void positions.push(pos) }, creditWindow: 1 });
      await first.result;
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // One credit: when the sink holds row 4 the source has emitted nothing after it, so the barrier records exactly row 4.
      expect(positions).toEqual([{ after: 4 }]);
      const { result } = await pipeline()
        .from(src())
        .to(collect())
        .run({ restore: { positions: { src: positions[0] as JsonValue } } });
      expect(result).toEqual([5, 6, 7, 8, 9]);
    });

    describe('a `map` that throws on one row', () => {
      /** Maps a row to its id and throws on `bad` the first `times` calls for it; counts the calls per id. */
      const failingMap = (bad: number, times = Infinity) => {
        const calls = new Map<number, number>();
        const map = (r: Record<string, unknown>) => {
          const id = Number(r.id);
          const n = (calls.get(id) ?? 0) + 1;
          calls.set(id, n);
          if (id === bad && n <= times) throw new Error(`bad row ${id}`);
          return id;
        };
        return { map, calls: () => Object.fromEntries(calls) };
      };
      const incremental = (t: string, map: (r: Record<string, unknown>) => number, errors?: ErrorStrategy) =>
        dbIncrementalSource({ connection: knex, table: t, column: 'id', batchSize: 4, stopWhenCaughtUp: true, map, name: 'src', ...(errors ? { errors } : {}) });

      it('dbIncrementalSource, skip: the row is mapped once, counted as skipped, and the checkpointed position is past it', async () => {
        const t = await table('map_skip');
        const dst = await table('map_skip_out', false);
        await fill(t, 1, 3);
        const backend = memoryBackend();
        const storage = memoryCheckpointStorage();
        const completed: Array<Readonly<Record<string, JsonValue>>> = [];
        const job = (f: ReturnType<typeof failingMap>) =>
          new CheckpointCoordinator({ backend, storage, onCheckpointComplete: (m) => void completed.push(m.positions) }).run(
            pipeline()
              .from(incremental(t, f.map, onError.skip()))
              .to(exactlyOnceDbSink<number>({ connection: knex, table: dst, toRow: (id) => ({ id, name: `c${id}`, n: id }), name: 'out' })),
          );
        const first = failingMap(3);
        const run1 = await job(first);
        expect(run1.result).toEqual({ records: 2, transactions: 1 });
        expect(first.calls()).toEqual({ 1: 1, 2: 1, 3: 1 });
        expect(run1.stats.src).toMatchObject({ out: 2, errors: 1, skipped: 1 });
        // The failing row was the last one read: the final checkpoint records the position after it.
        expect(completed).toEqual([{ src: { after: 3 } }]);
        await fill(t, 4, 5);
        const second = failingMap(3);
        const run2 = await job(second);
        expect(run2.restoredFrom).toBeDefined();
        expect(run2.result).toEqual({ records: 2, transactions: 1 });
        // The restored run starts after row 3: it never maps it again.
        expect(second.calls()).toEqual({ 4: 1, 5: 1 });
        expect(await dialect.cli(`select id from ${dst} order by id`)).toEqual(['1', '2', '4', '5']);
      });

      it('dbIncrementalSource, dead letter: the raw row goes to the dead-letter consumer once, with an error naming node, position, row and cause', async () => {
        const t = await table('map_dlq');
        await fill(t, 1, 5);
        const f = failingMap(3);
        const { result, deadLetter, stats } = await pipeline()
          .from(incremental(t, f.map, onError.deadLetter()))
          .to(collect<number>())
          .run({ deadLetter: collect(), creditWindow: 1 });
        expect(result).toEqual([1, 2, 4, 5]);
        expect(f.calls()).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 });
        expect(stats.src).toMatchObject({ out: 4, errors: 1, skipped: 1 });
        const letters = deadLetter as Array<DeadLetter<Record<string, unknown>>>;
        expect(letters).toHaveLength(1);
        expect({ ...letters[0]!.item, id: Number(letters[0]!.item.id), n: Number(letters[0]!.item.n) }).toEqual({ id: 3, name: 'r3', n: 30 });
        expect(letters[0]!.error.message).toBe('[dbIncrementalSource "src", item #2, attempt 1] map failed on the row with id = 3: bad row 3');
      });

      it('dbIncrementalSource, stop: the run fails at the row, once, after the rows before it', async () => {
        const t = await table('map_stop');
        await fill(t, 1, 5);
        const f = failingMap(3);
        const seen: number[] = [];
        const run = pipeline()
          .from(incremental(t, f.map))
          .to(forEach((x: number) => void seen.push(x)))
          .run();
        await expect(run).rejects.toHaveProperty('message', '[dbIncrementalSource "src", item #2, attempt 1] map failed on the row with id = 3: bad row 3');
        expect(seen).toEqual([1, 2]);
        expect(f.calls()).toEqual({ 1: 1, 2: 1, 3: 1 });
      });

      it('dbIncrementalSource, retry: map is called again for the same row and the stream goes on in order', async () => {
        const t = await table('map_retry');
        await fill(t, 1, 5);
        const f = failingMap(3, 2);
        const { result, stats } = await pipeline()
          .from(incremental(t, f.map, onError.retry({ maxAttempts: 3 })))
          .to(collect<number>())
          .run();
        expect(result).toEqual([1, 2, 3, 4, 5]);
        expect(f.calls()).toEqual({ 1: 1, 2: 1, 3: 3, 4: 1, 5: 1 });
        expect(stats.src).toMatchObject({ out: 5, errors: 2, skipped: 0 });
      });

      it('dbQuerySource, skip and dead letter: the row is passed once and still counts in the position', async () => {
        const t = await table('qmap');
        await fill(t, 1, 5);
        const query = (db: Knex) => db(t).orderBy('id');
        const skipped = failingMap(3);
        const positions: unknown[] = [];
        const handle = pipeline()
          .from(dbQuerySource({ connection: knex, query, map: skipped.map, name: 'rows', errors: onError.skip() }))
          .to(
            forEach((x: number) => {
              if (x === 4) handle.injectBarrier(checkpointBarrier(1, 0));
            }),
          )
          .start({ creditWindow: 1, checkpoints: { onSourceBarrier: (_id, _b, pos) => void positions.push(pos) } });
        const skipRun = await handle.result;
        expect(skipped.calls()).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 });
        expect(skipRun.stats.rows).toMatchObject({ out: 4, errors: 1, skipped: 1 });
        // Rows 1-4 passed, row 3 included.
        expect(positions).toEqual([4]);
        const restored = await pipeline()
          .from(dbQuerySource({ connection: knex, query, map: (r) => Number(r.id), name: 'rows' }))
          .to(collect<number>())
          .run({ restore: { positions: { rows: positions[0] as JsonValue } } });
        expect(restored.result).toEqual([5]);
        const dead = failingMap(3);
        const dlq = await pipeline()
          .from(dbQuerySource({ connection: knex, query, map: dead.map, name: 'rows', errors: onError.deadLetter() }))
          .to(collect<number>())
          .run({ deadLetter: collect() });
        expect(dlq.result).toEqual([1, 2, 4, 5]);
        const letters = dlq.deadLetter as Array<DeadLetter<Record<string, unknown>>>;
        expect(letters.map((l) => [Number(l.item.id), l.error.message])).toEqual([[3, '[dbQuerySource "rows", item #2, attempt 1] map failed on a row of the query: bad row 3']]);
      });

      it('dbQuerySource, stop: the run fails at the row with an error naming node, position and cause', async () => {
        const t = await table('qmap_stop');
        await fill(t, 1, 5);
        const f = failingMap(3);
        const run = pipeline()
          .from(dbQuerySource({ connection: knex, query: (db) => db(t).orderBy('id'), map: f.map, name: 'rows' }))
          .to(collect<number>())
          .run();
        await expect(run).rejects.toHaveProperty('message', '[dbQuerySource "rows", item #2, attempt 1] map failed on a row of the query: bad row 3');
        expect(f.calls()).toEqual({ 1: 1, 2: 1, 3: 1 });
      });
    });

    it('dbSink writes batches in transactions and upserts on a key', async () => {
      const t = await table('sink');
      const items = Array.from({ length: 23 }, (_, i) => ({ id: i + 1, name: `a${i + 1}`, n: i + 1 }));
      const first = await pipeline().from(fromArray(items)).to(dbSink({ connection: knex, table: t, batchSize: 10 })).run();
      expect(first.result).toEqual({ rows: 23, transactions: 3 });
      const second = await pipeline()
        .from(fromArray([{ id: 2, name: 'b2', n: 200 }, { id: 30, name: 'b30', n: 300 }]))
        .to(dbSink({ connection: dialect.config(), table: t, upsert: { conflict: ['id'], merge: ['n'] } }))
        .run();
      expect(second.result).toEqual({ rows: 2, transactions: 1 });
      expect(await dialect.cli(`select count(*), sum(n) from ${t}`)).toEqual([`24\t${(23 * 24) / 2 - 2 + 200 + 300}`]);
      expect(await dialect.cli(`select name, n from ${t} where id = 2`)).toEqual(['a2\t200']);
    });

    it('exactlyOnceDbSink commits with its epoch, and a restored run re-commits nothing twice', async () => {
      const src = await table('eo_src');
      const dst = await table('eo_dst', false);
      await fill(src, 1, 30);
      const backend = memoryBackend();
      const storage = memoryCheckpointStorage();
      const job = () =>
        pipeline()
          .from(dbIncrementalSource({ connection: knex, table: src, column: 'id', batchSize: 7, stopWhenCaughtUp: true, name: 'src' }))
          .to(exactlyOnceDbSink({ connection: knex, table: dst, batchSize: 8, name: 'out' }));
      const first = await new CheckpointCoordinator({ backend, storage }).run(job());
      expect(first.result).toEqual({ records: 30, transactions: 1 });
      expect(await dialect.cli(`select count(*), count(distinct id), sum(n) from ${dst}`)).toEqual(['30\t30\t4650']);
      await fill(src, 31, 40);
      // Restores the final checkpoint: its transaction is committed again (skipped by the epoch), then rows 31-40 follow.
      const second = await new CheckpointCoordinator({ backend, storage }).run(job());
      expect(second.restoredFrom).toBeDefined();
      expect(second.result).toEqual({ records: 10, transactions: 1 });
      expect(await dialect.cli(`select count(*), count(distinct id), min(id), max(id) from ${dst}`)).toEqual(['40\t40\t1\t40']);
      expect(await dialect.cli(`select epoch from streamweave_sink_epochs where sink_id = '${dst}'`)).toEqual(['1']);
    });

    it('exactlyOnceDbSink refuses a fresh run over a sink id that already committed', async () => {
      const dst = await table('eo_reuse', false);
      await knex.schema.hasTable('streamweave_sink_epochs');
      await pipeline().from(fromArray([{ id: 1, name: 'x', n: 1 }])).to(exactlyOnceDbSink({ connection: knex, table: dst })).run();
      const again = new CheckpointCoordinator().run(pipeline().from(fromArray([{ id: 2, name: 'y', n: 2 }], { name: 'src' })).to(exactlyOnceDbSink({ connection: knex, table: dst, name: 'out' })));
      await expect(again).rejects.toThrow(`streamweave_sink_epochs says sink "${dst}" already committed transaction 0, but the restored checkpoint continues at 0`);
      expect(await dialect.cli(`select count(*) from ${dst}`)).toEqual(['1']);
    });

    it('a query error goes through the error strategy of the source', async () => {
      const seen: string[] = [];
      const errors: ErrorStrategy = { kind: 'custom', decide: (f) => (seen.push(f.error.message), 'stop') };
      const run = pipeline()
        .from(dbIncrementalSource({ connection: knex, table: unique('missing'), column: 'id', retries: 0, errors }))
        .to(collect())
        .run();
      await expect(run).rejects.toThrow(/dbIncrementalSource/);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatch(/does not exist|doesn't exist|no such table/);
    });
  });
}
