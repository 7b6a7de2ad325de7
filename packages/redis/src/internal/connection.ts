/** Opening ioredis connections with bounded retries and errors that name the address. */
import { Redis, type RedisOptions } from 'ioredis';

/** Where to connect: a `redis://` URL or ioredis options. */
export type RedisConnection = string | RedisOptions;

/** Address of a connection, for error messages. */
export function describeConnection(c: RedisConnection): string {
  if (typeof c === 'string') return c.replace(/\/\/[^@/]*@/, '//***@');
  return `${c.host ?? '127.0.0.1'}:${c.port ?? 6379}`;
}

/**
 * Connects, retrying at most `retries` times (100 ms, 200 ms, … capped at 1 s) before
 * rejecting with the last cause. Later disconnections reconnect with the same bound.
 */
export async function connect(c: RedisConnection, retries: number): Promise<Redis> {
  const base: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: retries,
    retryStrategy: (times) => (times > retries ? null : Math.min(times * 100, 1000)),
  };
  const redis = typeof c === 'string' ? new Redis(c, base) : new Redis({ ...c, ...base });
  // Errors surface through the commands that fail; an unobserved 'error' event must not crash the process.
  let last: unknown;
  redis.on('error', (e: unknown) => (last = e));
  try {
    await redis.connect();
  } catch (e) {
    // ioredis keeps retrying after the first failed attempt unless told otherwise.
    await new Promise<void>((resolve) => {
      if (redis.status === 'end') return resolve();
      redis.once('end', () => resolve());
    });
    throw last ?? e;
  }
  return redis;
}
