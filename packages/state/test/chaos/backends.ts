/** Backends the chaos job can run with. */
import type { StateBackend } from '@streamweave/state';
import { lmdbBackend, redisBackend, sqlBackend } from '@streamweave/state/node';

export async function chaosBackend(name: string, work: string): Promise<StateBackend> {
  const namespace = process.env.CHAOS_NAMESPACE ?? 'chaos';
  switch (name) {
    case 'lmdb':
      return lmdbBackend({ path: `${work}/state.lmdb` });
    case 'redis':
      return redisBackend({ prefix: namespace });
    case 'postgres':
      return sqlBackend({ knex: { client: 'pg', connection: { host: '127.0.0.1', port: 5432, user: process.env.PGUSER ?? 'postgres', database: 'test' } }, job: namespace });
    default:
      throw new Error(`unknown chaos backend ${name}`);
  }
}
