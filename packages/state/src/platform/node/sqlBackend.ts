import type { Knex } from 'knex';
import type { StateBackend, StateSnapshot } from '../../backends/stateBackend.js';

/** Options of {@link sqlBackend}. */
export interface SqlBackendOptions {
  /** A knex instance (not destroyed by the backend) or a knex config (PostgreSQL, MySQL/MariaDB, SQLite via better-sqlite3). */
  readonly knex: Knex | Knex.Config;
  /** Table name (default `streamweave_state`); created when missing. */
  readonly table?: string;
  /** Job name, so several jobs can share a table (default `default`). */
  readonly job?: string;
}

/**
 * State backend on a SQL database through knex: PostgreSQL, MySQL / MariaDB, or
 * SQLite (better-sqlite3). One row per job, checkpoint and operator, upserted in a
 * transaction. An unreachable database fails the checkpoint with the driver's reason.
 *
 * @example
 * ```ts
 * const backend = sqlBackend({ knex: { client: 'pg', connection: 'postgres://127.0.0.1/test' } });
 * ```
 * @see {@link lmdbBackend}, {@link redisBackend}
 */
export function sqlBackend(options: SqlBackendOptions): StateBackend & { knex(): Promise<Knex> } {
  const owned = typeof (options.knex as Knex).schema === 'undefined';
  // knex is loaded on first use, so importing `@streamweave/state/node` stays cheap.
  let loading: Promise<Knex> | undefined;
  const load = () =>
    (loading ??= owned
      ? import('knex').then((m) => {
          const factory = ((m as { default?: unknown }).default ?? m) as (c: Knex.Config) => Knex;
          return factory({ pool: { min: 0, max: 4 }, acquireConnectionTimeout: 5000, useNullAsDefault: true, ...(options.knex as Knex.Config) });
        })
      : Promise.resolve(options.knex as Knex));
  let db!: Knex;
  const table = options.table ?? 'streamweave_state';
  const job = options.job ?? 'default';
  let created: Promise<void> | undefined;
  const ensure = () =>
    (created ??= (async () => {
      db = await load();
      if (await db.schema.hasTable(table)) return;
      try {
        await db.schema.createTable(table, (t) => {
          t.string('job', 191).notNullable();
          t.bigInteger('checkpoint_id').notNullable();
          t.string('operator_id', 191).notNullable();
          t.text('snapshot', 'longtext').notNullable();
          t.primary(['job', 'checkpoint_id', 'operator_id']);
        });
      } catch (e) {
        // Another process created it first.
        if (!(await db.schema.hasTable(table))) throw e;
      }
    })().catch((e: unknown) => {
      created = undefined;
      throw e;
    }));
  return {
    name: 'sql',
    knex: load,
    async write(cp, op, snapshot) {
      await ensure();
      await db.transaction(async (trx) => {
        await trx(table).where({ job, checkpoint_id: cp, operator_id: op }).delete();
        await trx(table).insert({ job, checkpoint_id: cp, operator_id: op, snapshot: JSON.stringify(snapshot) });
      });
    },
    async read(cp, op) {
      await ensure();
      const row = (await db(table).where({ job, checkpoint_id: cp, operator_id: op }).first('snapshot')) as { snapshot: string } | undefined;
      return row ? (JSON.parse(row.snapshot) as StateSnapshot) : undefined;
    },
    async discard(cp) {
      await ensure();
      await db(table).where({ job, checkpoint_id: cp }).delete();
    },
    async close() {
      if (owned && loading) await (await loading).destroy();
    },
  };
}
