import { defineProducer, InvalidArgumentError, type JsonValue, type NodeOptions, type Producer, StreamWeaveError } from '@streamweave/core';
import type { Knex } from 'knex';
import type { Readable } from 'node:stream';
import { type DbConnection, openDb, type OpenedDb, readableCause } from './internal/connection.js';
import { mapRow } from './internal/mapRow.js';
import { sleep } from './internal/sleep.js';

/** Options of {@link dbQuerySource}. */
export interface DbQuerySourceOptions<T> extends NodeOptions {
  /** A knex instance (left open) or a knex config (created for the run, destroyed after it). */
  readonly connection: DbConnection;
  /** Builds the query to stream; give it an `orderBy` when the run must be resumable. */
  readonly query: (knex: Knex) => Knex.QueryBuilder | Knex.Raw;
  /**
   * Row → item (default: the row object as the driver returns it). A throw goes through the node's error
   * strategy for that row: `skip` / `deadLetter` (the raw row is the dead letter) move past it, `retry`
   * calls `map` again at once, `stop` fails the run with an error naming the node, the row's position and the cause.
   */
  readonly map?: (row: Record<string, unknown>) => T;
  /** Connection attempts after the first before failing (default 3). */
  readonly retries?: number;
  /** First retry delay in ms, doubled per attempt (default 200). */
  readonly backoffMs?: number;
}

/**
 * Streams the rows of one query through a server-side cursor (knex `.stream()`:
 * pg-query-stream on PostgreSQL, a streamed result on MySQL / MariaDB), reading
 * only as fast as the pipeline grants credit, so a table larger than memory flows
 * through with bounded memory. Bounded: the stream ends with the last row. The
 * position is the number of rows passed (emitted, or skipped / dead-lettered by
 * the error strategy when `map` threw); after a restore the query runs again and
 * skips that many rows, which is exact only for a deterministic `orderBy`.
 *
 * @example
 * ```ts
 * const rows = dbQuerySource({ connection: knex, query: (db) => db('orders').where('status', 'open').orderBy('id') });
 * await pipeline().from(rows).to(collect()).run();
 * ```
 * @see {@link dbIncrementalSource} to follow a table as it grows, {@link dbSink}
 */
export function dbQuerySource<T = Record<string, unknown>>(options: DbQuerySourceOptions<T>): Producer<T> {
  if (!options || typeof options !== 'object') throw new InvalidArgumentError('dbQuerySource: options must be an object');
  if (!options.connection) throw new InvalidArgumentError('dbQuerySource: `connection` (a knex instance or config) is required');
  if (typeof options.query !== 'function') throw new InvalidArgumentError('dbQuerySource: `query` must be a function (knex) => query builder');
  const map = options.map ?? ((row: Record<string, unknown>) => row as T);
  return defineProducer<T>('dbQuerySource', {}, options, (ctx) => {
    let db: OpenedDb | undefined;
    let stream: Readable | undefined;
    let ended = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    // Rows read from the cursor and passed on (emitted, skipped or dead-lettered): the position.
    let rows = 0;
    let skip = 0;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const start = async (): Promise<Readable> => {
      db = await openDb(options.connection, {
        component: ctx.component,
        retries: options.retries ?? 3,
        backoffMs: options.backoffMs ?? 200,
        sleep: (ms) => sleep(ctx, ms),
      });
      const s = options.query(db.knex).stream() as unknown as Readable;
      s.on('readable', notify);
      s.on('end', () => {
        ended = true;
        notify();
      });
      s.on('error', (e: unknown) => {
        failure = e;
        notify();
      });
      return s;
    };
    return {
      async pull(emit, demand) {
        const s = (stream ??= await start());
        let n = 0;
        while (n < demand) {
          if (failure !== undefined) throw new StreamWeaveError('query failed', { component: ctx.component, position: rows, cause: readableCause(failure) });
          const row = s.read() as Record<string, unknown> | null;
          if (row !== null) {
            if (skip > 0) {
              skip--;
              continue;
            }
            const item = mapRow(ctx, map, row, rows, () => 'a row of the query');
            // A skipped or dead-lettered row counts in the position like an emitted one, so a restore skips it too.
            rows++;
            if (item) {
              n++;
              emit(item.value);
            }
            continue;
          }
          if (ended) return false;
          if (n > 0) return true;
          await new Promise<void>((resolve) => (wake = resolve));
        }
        return true;
      },
      position: () => rows,
      seek(position: JsonValue) {
        if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) throw new InvalidArgumentError(`dbQuerySource: cannot seek to ${JSON.stringify(position)}: a position is a row count`);
        skip = position;
        rows = position;
      },
      async close() {
        const s = stream;
        if (s && !s.destroyed) {
          s.destroy();
          // Let knex release the cursor's connection before the pool is destroyed.
          await new Promise((resolve) => s.once('close', resolve));
        }
        await new Promise((resolve) => setImmediate(resolve));
        await db?.close();
      },
    };
  });
}
