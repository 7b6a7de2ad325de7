/** Opening ioredis connections with bounded retries and errors that name the address. */
import { type ComponentRef, StreamWeaveError } from '@streamweave/core';
import { Redis, type RedisOptions } from 'ioredis';

/** Where to connect: a `redis://` URL or ioredis options. */
export type RedisConnection = string | RedisOptions;

/** Address of a connection, for error messages. */
export function describeConnection(c: RedisConnection): string {
  if (typeof c === 'string') return c.replace(/\/\/[^@/]*@/, '//***@');
  return `${c.host ?? '127.0.0.1'}:${c.port ?? 6379}`;
}

/**
 * True for the server's refusal of the credentials: a wrong password or unknown user
 * (WRONGPASS, or `ERR invalid password` before Redis 6), or none given where one is
 * required (NOAUTH).
 */
export function isAuthError(e: unknown): boolean {
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /^(WRONGPASS|NOAUTH)\b|^ERR invalid (username-)?password/.test(message);
}

/** The credentials refusal that ended a connection, kept so later failures of its commands can say why. */
const refused = new WeakMap<Redis, unknown>();

/** The server's refusal of the credentials, if that is what closed `redis`. */
export const authFailure = (redis: Redis | undefined): unknown => (redis === undefined ? undefined : refused.get(redis));

/** Rejects when a connection has ended for good, with the refusal of the credentials when that ended it. */
const ended = new WeakMap<Redis, Promise<never>>();

/**
 * `command`, or the reason its connection ended for good if that comes first. ioredis
 * re-sends a command in flight when the connection drops only once the reconnect is
 * ready; when the reconnect's handshake fails (the credentials were refused) and the
 * connection ends, such a command is never settled.
 */
export function whileOpen<T>(redis: Redis, command: Promise<T>): Promise<T> {
  const end = ended.get(redis);
  return end === undefined ? command : Promise.race([command, end]);
}

/**
 * The error a node fails with when it cannot connect: `authentication failed at <address>`
 * when the server refused the credentials, `cannot connect to Redis at <address>` otherwise;
 * the cause (the server's reply, or the socket error) follows.
 */
export function connectionFailure(node: string, c: RedisConnection, cause: unknown, component?: ComponentRef): StreamWeaveError {
  const what = isAuthError(cause) ? 'Redis authentication failed at' : 'cannot connect to Redis at';
  return new StreamWeaveError(`${node}: ${what} ${describeConnection(c)}`, component === undefined ? { cause } : { component, cause });
}

/**
 * Closes a connection at once (a blocked command would keep `quit()` waiting). Not again
 * once ended: ioredis would arm a 2 s timer for a socket that is gone, keeping the process alive.
 */
export function disconnect(redis: Redis): void {
  if (redis.status !== 'end') redis.disconnect();
}

/**
 * Connects, retrying at most `retries` times (100 ms, 200 ms, … capped at 1 s) before
 * rejecting with the last cause. Later disconnections reconnect with the same bound.
 * A refusal of the credentials is not retried (the same password fails the same way):
 * the connection is closed at once, and connecting rejects with the server's reply.
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
  redis.on('error', (e: unknown) => {
    last = e;
    // ioredis treats a refused AUTH / HELLO as a fatal error of one attempt and reconnects.
    if (isAuthError(e) && !refused.has(redis)) {
      refused.set(redis, e);
      redis.disconnect();
    }
  });
  try {
    await redis.connect();
  } catch (e) {
    // ioredis keeps retrying after the first failed attempt unless told otherwise.
    await new Promise<void>((resolve) => {
      if (redis.status === 'end') return resolve();
      redis.once('end', () => resolve());
    });
    throw refused.get(redis) ?? last ?? e;
  }
  const end = new Promise<never>((_, reject) => redis.once('end', () => reject(refused.get(redis) ?? new Error('Connection is closed.'))));
  end.catch(() => undefined);
  ended.set(redis, end);
  return redis;
}
