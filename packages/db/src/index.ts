/**
 * `@streamweave/db` — SQL databases through knex (PostgreSQL, MariaDB / MySQL, SQLite):
 * a cursor-streaming query source, a resumable incremental source, a batched
 * insert / upsert sink and an exactly-once sink with an epochs table.
 *
 * @packageDocumentation
 */
export { dbQuerySource, type DbQuerySourceOptions } from './dbQuerySource.js';
export { dbIncrementalSource, type DbIncrementalSourceOptions } from './dbIncrementalSource.js';
export { dbSink, type DbSinkOptions, type DbSinkResult } from './dbSink.js';
export { exactlyOnceDbSink, type ExactlyOnceDbSinkOptions } from './exactlyOnceDbSink.js';
export type { DbConnection } from './internal/connection.js';
export type { UpsertOptions } from './internal/writeRows.js';
