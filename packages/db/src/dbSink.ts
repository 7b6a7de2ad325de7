import { type Consumer, defineConsumer, InvalidArgumentError, isCheckpointBarrier, type NodeOptions, StreamWeaveError } from '@streamweave/core';
import { stateRuntimeOf } from '@streamweave/state';
import { type DbConnection, openDb, type OpenedDb, readableCause } from './internal/connection.js';
import { sleep, withRetries } from './internal/sleep.js';
import { checkUpsert, type UpsertOptions, writeRows } from './internal/writeRows.js';

/** Options of {@link dbSink}. */
export interface DbSinkOptions<T> extends NodeOptions {
  /** A knex instance (left open) or a knex config (created for the run, destroyed after it). */
  readonly connection: DbConnection;
  /** Table the rows are written to. */
  readonly table: string;
  /** Item → row (default: the item, which must be a plain object). */
  readonly toRow?: (item: T) => Record<string, unknown>;
  /** Upsert instead of insert (`INSERT … ON CONFLICT … DO UPDATE`, `ON DUPLICATE KEY UPDATE` on MySQL). */
  readonly upsert?: UpsertOptions;
  /** Rows per transaction (default 500). */
  readonly batchSize?: number;
  /** Attempts after the first for a failed connection or transaction (default 3). */
  readonly retries?: number;
  /** First retry delay in ms, doubled per attempt (default 200). */
  readonly backoffMs?: number;
}

/** What {@link dbSink} resolves to. */
export interface DbSinkResult {
  /** Rows written. */
  readonly rows: number;
  /** Transactions committed. */
  readonly transactions: number;
}

/**
 * Writes items as rows, `batchSize` rows per transaction (one multi-row INSERT, or an
 * upsert with `upsert`), flushing the open batch at each checkpoint barrier and at the
 * end. A failed transaction (a dropped connection) rolls back and is retried whole,
 * so no row is lost to a connection failure (an upsert on a key also absorbs
 * duplicates). Under a `CheckpointCoordinator` the sink takes part in checkpoints: a
 * checkpoint completes only once every row before its barrier is committed, so with a
 * replayable source a crash loses nothing (rows after the last checkpoint are written
 * again: at-least-once; an upsert on a key makes that idempotent). Use
 * {@link exactlyOnceDbSink} when duplicates are not acceptable.
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(users)).to(dbSink({ connection: knex, table: 'users', upsert: { conflict: ['id'] } })).run();
 * ```
 * @see {@link exactlyOnceDbSink}, {@link dbQuerySource}
 */
export function dbSink<T>(options: DbSinkOptions<T>): Consumer<T, DbSinkResult> {
  if (!options || typeof options !== 'object') throw new InvalidArgumentError('dbSink: options must be an object');
  if (!options.connection) throw new InvalidArgumentError('dbSink: `connection` (a knex instance or config) is required');
  if (typeof options.table !== 'string' || options.table === '') throw new InvalidArgumentError('dbSink: `table` must be a non-empty string');
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(`dbSink: \`batchSize\` must be a positive integer, got ${String(options.batchSize)}`);
  checkUpsert('dbSink', options.upsert);
  const toRow = options.toRow ?? ((item: T) => item as Record<string, unknown>);
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 200;
  return defineConsumer<T, DbSinkResult>('dbSink', { table: options.table, batchSize, upsert: options.upsert ? [...options.upsert.conflict] : null }, options, (ctx) => {
    let db: Promise<OpenedDb> | undefined;
    let batch: Array<Record<string, unknown>> = [];
    let rows = 0;
    let transactions = 0;
    let chain: Promise<void> = Promise.resolve();
    let failure: { error: unknown } | undefined;
    const open = () => (db ??= openDb(options.connection, { component: ctx.component, retries, backoffMs, sleep: (ms) => sleep(ctx, ms) }));
    // A checkpoint participant with no state of its own: its snapshot (empty) is reported
    // only once the rows before the barrier are committed, so the checkpoint waits for them.
    const runtime = stateRuntimeOf(ctx);
    runtime?.register({ id: ctx.id, type: ctx.descriptor.type });
    const flush = (): Promise<void> => {
      if (batch.length > 0) {
        const out = batch;
        batch = [];
        chain = chain.then(async () => {
          if (failure) return;
          try {
            const { knex } = await open();
            await withRetries(ctx, retries, backoffMs, () => knex.transaction((trx) => writeRows(trx, options.table, out, options.upsert, batchSize)));
            rows += out.length;
            transactions++;
          } catch (e) {
            failure = { error: e instanceof StreamWeaveError ? e : new StreamWeaveError(`could not write ${out.length} rows to ${options.table}`, { component: ctx.component, cause: readableCause(e) }) };
          }
        });
      }
      return chain.then(() => {
        if (failure) throw failure.error;
      });
    };
    return {
      item(value) {
        if (failure) throw failure.error;
        batch.push(toRow(value as T));
        // Synchronous, so a barrier never overtakes an item; a full batch holds one credit until written.
        if (batch.length >= batchSize) {
          const hold = ctx.hold();
          flush().then(() => hold.release(), () => hold.release());
        }
      },
      signal(s) {
        if (!isCheckpointBarrier(s)) return;
        // Acknowledged (and later elements held) only once the rows before the barrier are committed.
        const flushed = flush();
        runtime?.snapshotTaken(ctx.id, s.checkpointId, flushed.then(() => []));
        return flushed;
      },
      async complete() {
        const flushed = flush();
        runtime?.snapshotTaken(ctx.id, 'end', flushed.then(() => []));
        await flushed;
        return { rows, transactions };
      },
      teardown() {
        void chain.then(() => db?.then((d) => d.close())).catch(() => undefined);
      },
    };
  });
}
