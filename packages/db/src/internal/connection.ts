/** Opening a knex connection with bounded retries, and errors that name the server and the cause. */
import { type ComponentRef, StreamWeaveError } from '@streamweave/core';
import type { Knex } from 'knex';

/** A knex instance (owned by the caller) or a knex config (the node creates and destroys the instance). */
export type DbConnection = Knex | Knex.Config;

const isKnex = (c: DbConnection): c is Knex => typeof (c as Knex).schema !== 'undefined' && typeof c === 'function';

/** Where the connection points, for error messages (never the password). */
export function describeConnection(c: DbConnection): string {
  const config: Knex.Config = isKnex(c) ? c.client.config : c;
  const conn = config.connection as Record<string, unknown> | string | undefined;
  const client = typeof config.client === 'string' ? config.client : 'sql';
  if (typeof conn === 'string') return `${client} ${conn.replace(/\/\/[^@/]*@/, '//')}`;
  if (conn && typeof conn === 'object') {
    if (typeof conn.filename === 'string') return `${client} ${conn.filename}`;
    return `${client} ${String(conn.host ?? '127.0.0.1')}:${String(conn.port ?? '(default port)')}${conn.database ? `/${String(conn.database)}` : ''}`;
  }
  return client;
}

const authCodes = new Set(['28P01', '28000', 'ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR']);

/** True when the error says the credentials were refused (retrying cannot help). */
export function isAuthError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && authCodes.has(String((e as { code?: unknown }).code));
}

/** A connection whose knex instance is created lazily and destroyed on close when the node created it. */
export interface OpenedDb {
  readonly knex: Knex;
  close(): Promise<void>;
}

/**
 * Resolves the knex instance and checks the server answers (`select 1`), retrying
 * `retries` times with doubling backoff on the given sleep; an authentication
 * failure is reported at once.
 */
export async function openDb(
  c: DbConnection,
  opts: { component: ComponentRef; retries: number; backoffMs: number; sleep: (ms: number) => Promise<void> },
): Promise<OpenedDb> {
  let knex: Knex;
  let owned = false;
  if (isKnex(c)) knex = c;
  else {
    const { default: factory } = await import('knex');
    knex = factory({ pool: { min: 0, max: 4 }, acquireConnectionTimeout: 5000, useNullAsDefault: true, ...c });
    owned = true;
  }
  const where = describeConnection(c);
  let lastError: unknown;
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    try {
      await knex.raw('select 1');
      return { knex, close: () => (owned ? knex.destroy() : Promise.resolve()) };
    } catch (e) {
      lastError = e;
      if (isAuthError(e)) {
        if (owned) await knex.destroy().catch(() => undefined);
        throw new StreamWeaveError(`authentication failed at ${where}`, { component: opts.component, cause: e });
      }
      if (attempt < opts.retries) await opts.sleep(opts.backoffMs * 2 ** attempt);
    }
  }
  if (owned) await knex.destroy().catch(() => undefined);
  throw new StreamWeaveError(`cannot connect to ${where} after ${opts.retries + 1} attempts`, { component: opts.component, cause: readableCause(lastError) });
}

/**
 * A cause whose message reads well: Node reports a refused connection to a name with
 * several addresses as an AggregateError with an empty message (its first error is
 * used), and an error made in another realm (a native driver, a test sandbox) is not
 * `instanceof Error`, which would print as JSON.
 */
export function readableCause(e: unknown): unknown {
  let c = e as { message?: unknown; errors?: unknown; code?: unknown } | null;
  if (c && typeof c === 'object' && c.message === '' && Array.isArray(c.errors) && c.errors.length > 0) c = c.errors[0] as typeof c;
  if (c && typeof c === 'object' && !(c instanceof Error) && typeof c.message === 'string') return Object.assign(new Error(c.message), { code: c.code, cause: c });
  return c;
}
