import type { Redis, RedisOptions } from 'ioredis';
import type { StateBackend, StateSnapshot } from '../../backends/stateBackend.js';

/** Options of {@link redisBackend}. */
export interface RedisBackendOptions {
  /** A connected client to use (it is not closed by the backend), or connection options / URL. */
  readonly client?: Redis;
  /** Connection URL or options when no client is given (default `redis://127.0.0.1:6379`). */
  readonly connection?: string | RedisOptions;
  /** Key prefix, one per job (default `streamweave`). */
  readonly prefix?: string;
}

/**
 * State backend on Redis (ioredis): external state shared by restarts on other
 * machines. Snapshots are one string key per operator and checkpoint, written with
 * MULTI so a checkpoint never sees half an operator. When Redis is unreachable the
 * write fails fast (no offline queue, bounded retries), failing the checkpoint with
 * the reason while the data keeps flowing.
 *
 * @example
 * ```ts
 * const backend = redisBackend({ connection: 'redis://127.0.0.1:6379', prefix: 'orders-job' });
 * ```
 * @see {@link lmdbBackend}, {@link sqlBackend}
 */
export function redisBackend(options: RedisBackendOptions = {}): StateBackend & { client(): Promise<Redis> } {
  const prefix = options.prefix ?? 'streamweave';
  const owned = !options.client;
  const defaults: RedisOptions = { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 5000, connectTimeout: 2000 };
  // The driver is loaded on first use, so importing `@streamweave/state/node` stays cheap.
  let connecting: Promise<Redis> | undefined;
  const connect = () =>
    (connecting ??= options.client
      ? Promise.resolve(options.client)
      : import('ioredis').then(({ Redis }) => {
          const c =
            typeof options.connection === 'string'
              ? new Redis(options.connection, defaults)
              : new Redis({ host: '127.0.0.1', port: 6379, ...defaults, ...options.connection });
          // Errors surface through the failing command; without a listener ioredis would print each reconnect failure.
          c.on('error', () => undefined);
          return c;
        }));
  let client!: Redis;
  const ready = async () => {
    client = await connect();
    if (client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`redis is not reachable (status ${client.status})`)), 2000);
      client.once('ready', () => {
        clearTimeout(t);
        resolve();
      });
    });
  };
  const key = (cp: number, op: string) => `${prefix}:cp:${cp}:op:${op}`;
  const index = (cp: number) => `${prefix}:cp:${cp}`;
  return {
    name: 'redis',
    client: connect,
    async write(cp, op, snapshot) {
      await ready();
      await client.multi().set(key(cp, op), JSON.stringify(snapshot)).sadd(index(cp), op).exec();
    },
    async read(cp, op) {
      await ready();
      const text = await client.get(key(cp, op));
      return text === null ? undefined : (JSON.parse(text) as StateSnapshot);
    },
    async discard(cp) {
      await ready();
      const ops = await client.smembers(index(cp));
      await client.del(...ops.map((op) => key(cp, op)), index(cp));
    },
    async close() {
      if (owned && connecting) (await connecting).disconnect();
    },
  };
}
