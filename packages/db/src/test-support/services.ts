/** Real-server helpers for the integration specs: the skip/require rule, the three dialects, and the CLIs as independent readers. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portOpenSync, requireService } from '@streamweave/testing/node';
import knexFactory, { type Knex } from 'knex';

export { until } from '@streamweave/testing/node';

/** Probes a TCP port synchronously, so jest can skip whole blocks at collection time. */
export const serverUp = (name: string, port: number): boolean =>
  requireService(`${name} integration`, portOpenSync(port), `${name} not reachable at 127.0.0.1:${port}`);

export const unique = (prefix: string) => `sw_${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/** One dialect under test: how to connect, and an independent reader of the tables. */
export interface Dialect {
  readonly name: string;
  readonly up: () => boolean;
  /** A knex config; `app` names the connection (PostgreSQL `application_name`). */
  readonly config: (app?: string) => Knex.Config;
  /** Runs a query with the dialect's own CLI (or a separate connection) and returns the rows as tab-separated lines. */
  readonly cli: (sql: string) => Promise<string[]>;
}

const run = (cmd: string, args: string[]): string[] => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
};

/** knex logs every dropped connection; the tests drop them on purpose. */
export const quiet = { warn: () => undefined, error: () => undefined, debug: () => undefined, deprecate: () => undefined };

const sqliteDir = mkdtempSync(join(tmpdir(), 'sw-db-'));

export const dialects: readonly Dialect[] = [
  {
    name: 'postgresql',
    up: () => serverUp('PostgreSQL', 5432),
    config: (app) => ({ log: quiet, client: 'pg', connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', ...(app ? { application_name: app } : {}) } }),
    cli: (sql) => Promise.resolve(run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-AtF', '\t', '-c', sql])),
  },
  {
    name: 'mariadb',
    up: () => serverUp('MariaDB', 3306),
    config: () => ({ log: quiet, client: 'mysql2', connection: { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } }),
    cli: (sql) => Promise.resolve(run('mariadb', ['-h', '127.0.0.1', '-P', '3306', '-uroot', 'test', '-N', '-B', '-e', sql])),
  },
  {
    name: 'sqlite',
    up: () => true,
    config: () => ({ client: 'better-sqlite3', connection: { filename: join(sqliteDir, 'test.db') }, useNullAsDefault: true }),
    // A separate connection to the same file: SQLite has no server, so no CLI client is needed.
    cli: async (sql) => {
      const k = knexFactory({ client: 'better-sqlite3', connection: { filename: join(sqliteDir, 'test.db') }, useNullAsDefault: true });
      try {
        const rows = (await k.raw(sql)) as Array<Record<string, unknown>>;
        return rows.map((r) => Object.values(r).map(String).join('\t'));
      } finally {
        await k.destroy();
      }
    },
  },
];
