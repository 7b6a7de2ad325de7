import { collect, fromArray, fromAsyncIterable, map, pipeline, StreamWeaveError } from '@streamweave/core';
import { redisStreamSink, redisStreamSource, type RedisStreamEntry } from './index.js';
import { privateRedisAvailable, type PrivateRedis, startPrivateRedis } from './test-support/privateRedis.js';
import { until } from './test-support/services.js';

jest.setTimeout(30_000);

const password = 'sw-auth-s3cret';
const alicePassword = 'sw-alice-pw';
const data = (e: RedisStreamEntry) => e.fields['data']!;
const wrongPass = 'WRONGPASS invalid username-password pair or user is disabled.';

(privateRedisAvailable('Redis authentication') ? describe : describe.skip)('Redis authentication (private server with requirepass and an ACL user)', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis({ appendonly: false, password, users: [['alice', 'on', `>${alicePassword}`, '~*', '&*', '+@all']] });
  });
  afterAll(() => redis?.destroy());

  const connections = () => Number(/total_connections_received:(\d+)/.exec(redis.cli('INFO', 'stats').join('\n'))![1]);
  /** Runs `run`, returns its rejection, how long it took, and how many connections the server received meanwhile. */
  const failure = async (run: () => Promise<unknown>) => {
    const before = connections();
    const t0 = Date.now();
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    const ms = Date.now() - t0;
    // The INFO call that counts is a connection too.
    return { error: error as StreamWeaveError & { cause?: Error }, ms, attempts: connections() - before - 1 };
  };
  // 50 retries 100 ms … 1 s apart would take ~45 s: failing within 3 s with one connection shows no retry.
  const resilience = { retries: 50 };

  it.each([
    ['a wrong password', { password: 'wrong' }, `: ${wrongPass}`],
    ['no password', {}, ': NOAUTH '],
    ['an unknown ACL user', { username: 'mallory', password }, `: ${wrongPass}`],
  ])('the source fails at once with "authentication failed", the address and the server reason, given %s', async (_, credentials, reason) => {
    const connection = { host: '127.0.0.1', port: redis.port, ...credentials };
    const { error, ms, attempts } = await failure(() =>
      pipeline().from(redisStreamSource({ connection, stream: 'never', group: 'g', consumer: 'c', ...resilience })).to(collect()).run(),
    );
    expect(error).toBeInstanceOf(StreamWeaveError);
    expect(error.message.startsWith(`[redisStreamSource "redisStreamSource"] redisStreamSource: Redis authentication failed at 127.0.0.1:${redis.port}${reason}`)).toBe(true);
    expect(error.component).toEqual({ id: 'redisStreamSource', type: 'redisStreamSource' });
    expect(error.cause?.message.startsWith(reason.slice(2))).toBe(true);
    expect(attempts).toBe(1);
    expect(ms).toBeLessThan(3000);
    // Nothing was created on the server.
    expect(redis.cli('EXISTS', 'never')).toEqual(['0']);
  });

  it.each([
    ['a wrong password', { password: 'wrong' }, `: ${wrongPass}`],
    ['no password', {}, ': NOAUTH '],
  ])('the sink fails at once with "authentication failed", the address and the server reason, given %s', async (_, credentials, reason) => {
    const connection = { host: '127.0.0.1', port: redis.port, ...credentials };
    const { error, ms, attempts } = await failure(() =>
      pipeline()
        .from(fromArray(['a', 'b']))
        .to(redisStreamSink({ connection, stream: 'never-out', ...resilience }))
        .run(),
    );
    expect(error).toBeInstanceOf(StreamWeaveError);
    expect(error.message.startsWith(`[redisStreamSink "redisStreamSink"] redisStreamSink: Redis authentication failed at 127.0.0.1:${redis.port}${reason}`)).toBe(true);
    expect(error.cause?.message.startsWith(reason.slice(2))).toBe(true);
    expect(attempts).toBe(1);
    expect(ms).toBeLessThan(3000);
    expect(redis.cli('EXISTS', 'never-out')).toEqual(['0']);
  });

  it('a URL with a wrong password fails naming the address without the password', async () => {
    const url = `redis://alice:not-${alicePassword}@127.0.0.1:${redis.port}`;
    const { error, attempts } = await failure(() => pipeline().from(fromArray(['a'])).to(redisStreamSink({ connection: url, stream: 'never-out', ...resilience })).run());
    expect(error.message).toBe(`[redisStreamSink "redisStreamSink"] redisStreamSink: Redis authentication failed at redis://***@127.0.0.1:${redis.port}: ${wrongPass}`);
    expect(error.message).not.toContain(alicePassword);
    expect(attempts).toBe(1);
  });

  it('with the right password (default user) and as an ACL user (URL) the sink writes and the source reads back', async () => {
    const values = Array.from({ length: 30 }, (_, i) => `v${i}`);
    const sink = await pipeline()
      .from(fromArray(values))
      .to(redisStreamSink({ connection: { host: '127.0.0.1', port: redis.port, password }, stream: 'ok', batchSize: 8 }))
      .run();
    expect(sink.result).toEqual({ entries: 30, batches: 4 });
    expect(redis.cli('XLEN', 'ok')).toEqual(['30']);

    const got: string[] = [];
    const handle = pipeline()
      .from(redisStreamSource({ connection: `redis://alice:${alicePassword}@127.0.0.1:${redis.port}`, stream: 'ok', group: 'g', consumer: 'c', decode: data, blockMs: 50 }))
      .pipe(map((s: string) => (got.push(s), s)))
      .to(collect())
      .start();
    await until(() => got.length === 30, 10_000, '30 entries read back');
    handle.drain();
    await handle.result;
    expect(got).toEqual(values);
  });

  it('a password changed while running fails the acknowledgement, the source and the sink with "authentication failed" once their connections drop, reconnecting once each', async () => {
    const pw = 'sw-auth-rotate';
    redis.cli('ACL', 'SETUSER', 'rotating', 'on', `>${pw}`, '~*', '&*', '+@all');
    const ac = new AbortController();
    let release = () => {};
    try {
      redis.cli('XADD', 'rot-in', '*', 'data', 'x0');
      redis.cli('XADD', 'rot-in', '*', 'data', 'x1');
      const connection = { host: '127.0.0.1', port: redis.port, username: 'rotating', password: pw, connectionName: 'sw-auth-rotate' };
      const got: string[] = [];
      const source = redisStreamSource({ connection, stream: 'rot-in', group: 'g', consumer: 'c', decode: data, blockMs: 50, name: 'in', ...resilience });
      const sourceRun = pipeline()
        .from(source)
        .pipe(map((s: string) => (got.push(s), s)))
        .to(collect())
        .run({ signal: ac.signal });
      sourceRun.catch(() => undefined);
      // A sink that writes every item at once, fed one item now and one after the change.
      const gate = new Promise<void>((r) => (release = r));
      async function* items() {
        yield 'before';
        await gate;
        yield 'after';
      }
      const sinkRun = pipeline()
        .from(fromAsyncIterable(items()))
        .to(redisStreamSink({ connection, stream: 'rot-out', batchSize: 1, name: 'out', ...resilience }))
        .run({ signal: ac.signal });
      sinkRun.catch(() => undefined);
      await until(() => got.length === 2 && redis.cli('XLEN', 'rot-out')[0] === '1', 10_000, 'both nodes connected and working');
      // Opens the acknowledgement connection (XACK of x0).
      await source.commitCheckpoint({ last: '0-0', seq: 1 });

      // Rotate the user's password; every reconnect presents the old one.
      redis.cli('ACL', 'SETUSER', 'rotating', 'resetpass', '>sw-auth-rotated');
      const before = connections();
      let cliCalls = 0;
      const cli = (...args: string[]) => (cliCalls++, redis.cli(...args));
      const ours = cli('CLIENT', 'LIST').filter((l) => l.includes(' name=sw-auth-rotate '));
      const idOf = (cmd: string) => /id=(\d+)/.exec(ours.find((l) => l.includes(` cmd=${cmd} `))!)![1]!;
      expect(ours.map((l) => /cmd=(\S+)/.exec(l)![1]).sort()).toEqual(['xack', 'xadd', 'xreadgroup']);

      // First only the acknowledgement connection drops: the next XACK says why it cannot be sent.
      cli('CLIENT', 'KILL', 'ID', idOf('xack'));
      const expected = (node: string, name: string) => `[${node} "${name}"] ${node}: Redis authentication failed at 127.0.0.1:${redis.port}: ${wrongPass}`;
      await expect(source.commitCheckpoint({ last: '0-0', seq: 2 })).rejects.toThrow(`redisStreamSource: Redis authentication failed at 127.0.0.1:${redis.port}: ${wrongPass}`);
      expect(got).toEqual(['x0', 'x1']);

      // Then the others.
      cli('CLIENT', 'KILL', 'ID', idOf('xreadgroup'));
      cli('CLIENT', 'KILL', 'ID', idOf('xadd'));
      await expect(sourceRun).rejects.toThrow(expected('redisStreamSource', 'in'));
      release();
      await expect(sinkRun).rejects.toThrow(expected('redisStreamSink', 'out'));
      // One refused reconnect per dropped connection, none after (the INFO call counts itself).
      expect(connections() - before - cliCalls - 1).toBe(3);
    } finally {
      // Only when an assertion failed: nothing left running.
      release();
      ac.abort();
      redis.cli('ACL', 'DELUSER', 'rotating');
    }
  });
});
