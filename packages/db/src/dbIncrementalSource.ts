import { defineProducer, InvalidArgumentError, type JsonValue, type NodeOptions, type Producer, StreamWeaveError } from '@streamweave/core';
import type { Knex } from 'knex';
import { type DbConnection, isAuthError, openDb, type OpenedDb, readableCause } from './internal/connection.js';
import { mapRow } from './internal/mapRow.js';
import { sleep, withRetries } from './internal/sleep.js';

/** Options of {@link dbIncrementalSource}. */
export interface DbIncrementalSourceOptions<T> extends NodeOptions {
  /** A knex instance (left open) or a knex config (created for the run, destroyed after it). */
  readonly connection: DbConnection;
  /** Table to read rows from. */
  readonly table: string;
  /** A strictly increasing column (an identity id, a sequence, a unique insertion timestamp). */
  readonly column: string;
  /** Columns to read (default all). */
  readonly columns?: readonly string[];
  /** Extra filter applied to every poll. */
  readonly where?: (query: Knex.QueryBuilder) => void;
  /** Read only rows after this value (exclusive) when not restoring. */
  readonly after?: string | number;
  /** Rows per query (default 500). */
  readonly batchSize?: number;
  /** Wait between polls that found nothing new, on the run's clock (default 1000 ms). */
  readonly pollIntervalMs?: number;
  /** End the stream when a poll finds nothing new (a backfill) instead of polling forever. */
  readonly stopWhenCaughtUp?: boolean;
  /**
   * Row → item (default: the row). A throw goes through the node's error strategy for that row, once:
   * `skip` / `deadLetter` (the raw row is the dead letter) move the position past it, so a checkpoint
   * never reads it again; `retry` calls `map` again at once; `stop` fails the run with an error naming
   * the node, the row's position and column value, and the cause.
   */
  readonly map?: (row: Record<string, unknown>) => T;
  /** Connection and query retries before the error strategy decides (default 3). */
  readonly retries?: number;
  /** First retry delay in ms, doubled per attempt (default 200). */
  readonly backoffMs?: number;
}

const jsonValue = (v: unknown): string | number => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : (v as string | number));

/**
 * Follows a table by a monotonic column: polls
 * `where column > last order by column limit batchSize`, emits the rows, and waits `pollIntervalMs` on the run's clock when
 * nothing is new. Its position is the last emitted column value, recorded at each
 * checkpoint barrier, so a restored run continues exactly after the last checkpointed
 * row (replayable: at-least-once to any sink, exactly-once with {@link exactlyOnceDbSink}).
 * A query that fails (a dropped connection) is retried from the last position.
 *
 * @example
 * ```ts
 * const events = dbIncrementalSource({ connection: knex, table: 'events', column: 'id', pollIntervalMs: 500 });
 * await pipeline().from(events).to(forEach((e) => console.log(e))).run({ signal });
 * ```
 * @see {@link dbQuerySource} for one query, {@link exactlyOnceDbSink}
 */
export function dbIncrementalSource<T = Record<string, unknown>>(options: DbIncrementalSourceOptions<T>): Producer<T> {
  if (!options || typeof options !== 'object') throw new InvalidArgumentError('dbIncrementalSource: options must be an object');
  if (!options.connection) throw new InvalidArgumentError('dbIncrementalSource: `connection` (a knex instance or config) is required');
  for (const k of ['table', 'column'] as const) {
    if (typeof options[k] !== 'string' || options[k] === '') throw new InvalidArgumentError(`dbIncrementalSource: \`${k}\` must be a non-empty string`);
  }
  for (const k of ['batchSize', 'pollIntervalMs'] as const) {
    const v = options[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new InvalidArgumentError(`dbIncrementalSource: \`${k}\` must be a positive integer, got ${String(v)}`);
  }
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 200;
  const map = options.map ?? ((row: Record<string, unknown>) => row as T);
  return defineProducer<T>(
    'dbIncrementalSource',
    { table: options.table, column: options.column, batchSize, pollIntervalMs },
    options,
    (ctx) => {
      let db: OpenedDb | undefined;
      let last: string | number | undefined = options.after;
      let buffer: Array<Record<string, unknown>> = [];
      // Rows taken from the buffer (emitted, skipped or dead-lettered): the position of the next item.
      let read = 0;
      let attempt = 0;
      const poll = async (): Promise<Array<Record<string, unknown>>> => {
        db ??= await openDb(options.connection, { component: ctx.component, retries, backoffMs, sleep: (ms) => sleep(ctx, ms) });
        const knex = db.knex;
        return withRetries(ctx, retries, backoffMs, async () => {
          const q = knex(options.table).select(...(options.columns ?? ['*']));
          if (last !== undefined) q.where(options.column, '>', last);
          options.where?.(q);
          return (await q.orderBy(options.column).limit(batchSize)) as Array<Record<string, unknown>>;
        });
      };
      return {
        async pull(emit, demand) {
          while (buffer.length === 0) {
            try {
              buffer = await poll();
              attempt = 0;
            } catch (e) {
              if (e instanceof StreamWeaveError && db === undefined) throw e;
              const d = ctx.fail(readableCause(e), undefined, read, ++attempt);
              if (d.action === 'stop' || isAuthError(e)) throw d.error;
              await sleep(ctx, d.action === 'retry' ? d.delayMs : pollIntervalMs);
              continue;
            }
            if (buffer.length > 0) break;
            if (options.stopWhenCaughtUp) return false;
            await sleep(ctx, pollIntervalMs);
            if (ctx.signal.aborted) return false;
          }
          let taken = 0;
          let emitted = 0;
          try {
            while (emitted < demand && taken < buffer.length) {
              const row = buffer[taken]!;
              const item = mapRow(ctx, map, row, read, () => `the row with ${options.column} = ${JSON.stringify(jsonValue(row[options.column]))}`);
              // A skipped or dead-lettered row is passed like an emitted one: the position moves past it.
              taken++;
              read++;
              last = jsonValue(row[options.column]);
              if (item) {
                emitted++;
                emit(item.value);
              }
            }
          } finally {
            // Also when `map` failed and the strategy said stop: the rows before it are gone, the failing row stays first.
            buffer = buffer.slice(taken);
          }
          return true;
        },
        position: (): JsonValue => ({ after: last ?? null }),
        seek(position: JsonValue) {
          const after = (position as { after?: unknown } | null)?.after;
          if (after !== null && typeof after !== 'string' && typeof after !== 'number') {
            throw new InvalidArgumentError(`dbIncrementalSource: cannot seek to ${JSON.stringify(position)}: expected { after: <column value> }`);
          }
          last = after ?? undefined;
          buffer = [];
        },
        async close() {
          await db?.close();
        },
      };
    },
  );
}
