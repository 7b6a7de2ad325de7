import { type Consumer, InvalidArgumentError, type JsonValue, type NodeOptions, StreamWeaveError } from '@streamweave/core';
import { twoPhaseCommitSink, type TwoPhaseCommitResult } from '@streamweave/state';
import type { Knex } from 'knex';
import { openDb, readableCause } from './internal/connection.js';
import { sleep, withRetries } from './internal/sleep.js';
import { checkUpsert, type UpsertOptions, writeRows } from './internal/writeRows.js';

/** Options of {@link exactlyOnceDbSink}. */
export interface ExactlyOnceDbSinkOptions<T> extends NodeOptions {
  /** A knex instance, owned by the caller: commits can come after the input ended, so the sink never closes it. */
  readonly connection: Knex;
  /** Table the rows are written to, in the same transaction that records the sink's epoch. */
  readonly table: string;
  /** Names this sink in the epochs table; unique per job and table (default: the table name). */
  readonly sinkId?: string;
  /** The table that records each sink's last committed transaction (default `streamweave_sink_epochs`, created if missing). */
  readonly epochsTable?: string;
  /** Item → row; the row must be JSON-serializable, since it waits in the checkpoint until committed (default: the item). */
  readonly toRow?: (item: T) => Record<string, JsonValue>;
  /** Upsert instead of insert. */
  readonly upsert?: UpsertOptions;
  /** Rows per INSERT statement inside a commit (default 500). */
  readonly batchSize?: number;
  /** Attempts after the first for a failed connection or commit (default 3). */
  readonly retries?: number;
  /** First retry delay in ms, doubled per attempt (default 200). */
  readonly backoffMs?: number;
}

interface DbTxn {
  readonly seq: number;
  readonly rows: Array<Record<string, JsonValue>>;
  [key: string]: JsonValue;
}

/**
 * An exactly-once table sink on the two-phase-commit contract of `@streamweave/state`.
 * The rows between two checkpoint barriers form one transaction, numbered
 * deterministically; pre-commit stores them in the checkpoint, and when the
 * checkpoint completes one database transaction writes the rows AND sets this
 * sink's epoch (the transaction number) in an epochs table. A commit whose number is
 * not above the stored epoch was already applied and is skipped, so the repeated
 * commits after a restore (or a retry after a dropped connection) never write a row
 * twice. Runs under a `CheckpointCoordinator`; without one everything commits at the
 * end of input (and waits in memory until then).
 *
 * @example
 * ```ts
 * await coordinator.run(pipeline().from(dbIncrementalSource({ connection, table: 'events', column: 'id' }))
 *   .to(exactlyOnceDbSink({ connection, table: 'events_copy', name: 'copy' })));
 * ```
 * @see {@link dbSink} (at-least-once), `transactionalSink` in `@streamweave/state`
 */
export function exactlyOnceDbSink<T>(options: ExactlyOnceDbSinkOptions<T>): Consumer<T, TwoPhaseCommitResult> {
  if (!options || typeof options !== 'object') throw new InvalidArgumentError('exactlyOnceDbSink: options must be an object');
  if (typeof options.connection !== 'function' || typeof options.connection.transaction !== 'function') throw new InvalidArgumentError('exactlyOnceDbSink: `connection` must be a knex instance');
  if (typeof options.table !== 'string' || options.table === '') throw new InvalidArgumentError('exactlyOnceDbSink: `table` must be a non-empty string');
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(`exactlyOnceDbSink: \`batchSize\` must be a positive integer, got ${String(options.batchSize)}`);
  checkUpsert('exactlyOnceDbSink', options.upsert);
  const sinkId = options.sinkId ?? options.table;
  const epochs = options.epochsTable ?? 'streamweave_sink_epochs';
  const toRow = options.toRow ?? ((item: T) => item as Record<string, JsonValue>);
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 200;
  return twoPhaseCommitSink<T, DbTxn>('exactlyOnceDbSink', { table: options.table, sinkId, epochsTable: epochs }, options, (ctx) => {
    let db: Promise<Knex> | undefined;
    const open = () =>
      (db ??= (async () => {
        const opened = await openDb(options.connection, { component: ctx.component, retries, backoffMs, sleep: (ms) => sleep(ctx, ms) });
        const knex = opened.knex;
        if (!(await knex.schema.hasTable(epochs))) {
          await knex.schema
            .createTable(epochs, (t) => {
              t.string('sink_id', 191).primary();
              t.bigInteger('epoch').notNullable();
            })
            // Another sink may have created it meanwhile.
            .catch(async (e: unknown) => {
              if (!(await knex.schema.hasTable(epochs))) throw e;
            });
        }
        return knex;
      })());
    const storedEpoch = async (q: Knex | Knex.Transaction, lock: boolean): Promise<number> => {
      const sel = q(epochs).select('epoch').where('sink_id', sinkId);
      const row = (await (lock && q.client.config.client !== 'better-sqlite3' ? sel.forUpdate() : sel).first()) as { epoch: number | string } | undefined;
      return row === undefined ? -1 : Number(row.epoch);
    };
    return {
      beginTransaction: (seq) => ({ seq, rows: [] }),
      write(txn, item) {
        txn.rows.push(toRow(item));
      },
      // The rows are part of the checkpoint snapshot: durable once the checkpoint is, and not visible yet.
      preCommit: () => undefined,
      async commit(txn) {
        const knex = await open();
        try {
          await withRetries(ctx, retries, backoffMs, () =>
            knex.transaction(async (trx) => {
              // Locks this sink's epoch row, so two attempts can never both apply `seq`.
              if ((await storedEpoch(trx, true)) >= txn.seq) return;
              await writeRows(trx, options.table, txn.rows, options.upsert, batchSize);
              const updated = await trx(epochs).where('sink_id', sinkId).update({ epoch: txn.seq });
              if (updated === 0) await trx(epochs).insert({ sink_id: sinkId, epoch: txn.seq });
            }),
          );
        } catch (e) {
          throw new StreamWeaveError(`could not commit transaction ${txn.seq} (${txn.rows.length} rows) to ${options.table}`, { component: ctx.component, cause: readableCause(e) });
        }
      },
      abort: () => undefined,
      async recover(nextSeq) {
        const epoch = await storedEpoch(await open(), false);
        if (epoch >= nextSeq) {
          throw new StreamWeaveError(
            `${epochs} says sink "${sinkId}" already committed transaction ${epoch}, but the restored checkpoint continues at ${nextSeq}: another job uses this sinkId, or an older checkpoint was restored; use another sinkId or delete its row to start over`,
            { component: ctx.component },
          );
        }
      },
    };
  });
}
