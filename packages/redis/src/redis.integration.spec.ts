import { checkpointBarrier, collect, map, onError, pipeline, type JsonValue } from '@streamweave/core';
import { CheckpointCoordinator } from '@streamweave/state';
import { redisStreamSink, redisStreamSource, type RedisStreamEntry } from './index.js';
import { cli, cliAdd, killClients, port, redisUp, unique, until } from './test-support/services.js';

const up = redisUp();
const describeRedis = up ? describe : describe.skip;
const connection = { host: '127.0.0.1', port };
const data = (e: RedisStreamEntry) => e.fields['data']!;
const streams: string[] = [];
const stream = (p: string) => {
  const s = unique(p);
  streams.push(s);
  return s;
};
const pendingCount = (s: string, g: string) => Number(cli('XPENDING', s, g)[0]);

afterAll(() => {
  if (up && streams.length > 0) cli('DEL', ...streams);
});

describeRedis('Redis Streams integration (real server)', () => {
  it('reads redis-cli entries with a group and writes them with pipelined XADD (checked with XRANGE)', async () => {
    const input = stream('in');
    const output = stream('out');
    const values = Array.from({ length: 250 }, (_, i) => `v${i}`);
    cliAdd(input, values);
    let seen = 0;
    const handle = pipeline()
      .from(redisStreamSource({ connection, stream: input, group: 'g', consumer: 'c1', decode: data, count: 40 }))
      .pipe(map((s: string) => (seen++, s.toUpperCase())))
      .to(redisStreamSink({ connection, stream: output, batchSize: 32 }))
      .start();
    await until(() => seen === 250, 10_000, '250 entries');
    handle.drain();
    const { result } = await handle.result;
    expect(result).toEqual({ entries: 250, batches: 8 });
    const lines = cli('XRANGE', output, '-', '+');
    expect(lines.filter((_, i) => i % 3 === 2)).toEqual(values.map((v) => v.toUpperCase()));
  });

  it('under a CheckpointCoordinator a checkpoint completes only once the sink wrote the entries before its barrier', async () => {
    const input = stream('cp-in');
    const output = stream('cp-out');
    cliAdd(input, Array.from({ length: 100 }, (_, i) => `c${i}`));
    let seen = 0;
    const source = redisStreamSource({ connection, stream: input, group: 'g', consumer: 'c', decode: data, name: 'src' });
    const coordinator = new CheckpointCoordinator();
    const ac = new AbortController();
    const run = coordinator.run(
      pipeline()
        .from(source)
        .pipe(map((s: string) => (seen++, s)))
        // One batch holds everything: only the barrier flushes it.
        .to(redisStreamSink({ connection, stream: output, batchSize: 1000, name: 'out' })),
      { runOptions: { signal: ac.signal } },
    );
    run.catch(() => undefined);
    await until(() => seen === 100, 10_000, '100 entries');
    const meta = await coordinator.triggerCheckpoint();
    // Checked at once: the checkpoint waited for the sink's flush.
    expect(Number(cli('XLEN', output)[0])).toBe(100);
    expect(meta.positions['src']).toEqual({ last: expect.stringMatching(/^\d+-\d+$/) as string, seq: 100 });
    await source.commitCheckpoint(meta.positions['src']);
    expect(pendingCount(input, 'g')).toBe(0);
    ac.abort();
    await run.catch(() => undefined);
  });

  it('trims with MAXLEN ~', async () => {
    const output = stream('trim');
    const { fromArray } = await import('@streamweave/core');
    await pipeline()
      .from(fromArray(Array.from({ length: 3000 }, (_, i) => ({ i }))))
      .to(redisStreamSink({ connection, stream: output, maxLen: 200, batchSize: 500 }))
      .run();
    const len = Number(cli('XLEN', output)[0]);
    expect(len).toBeGreaterThanOrEqual(200);
    expect(len).toBeLessThan(3000);
    expect(cli('XREVRANGE', output, '+', '-', 'COUNT', 1)[2]).toBe('{"i":2999}');
  });

  it('acknowledges (XACK) only when the checkpoint completes, and re-delivers unacknowledged entries after a crash', async () => {
    const input = stream('ack');
    cliAdd(input, ['a', 'b', 'c', 'd']);
    const positions: JsonValue[] = [];
    const got: string[] = [];
    const source = redisStreamSource({ connection, stream: input, group: 'g', consumer: 'worker', decode: data });
    const handle = pipeline()
      .from(source)
      .pipe(map((s: string) => (got.push(s), s)))
      .to(collect())
      .start({ checkpoints: { onSourceBarrier: (_id, _b, p) => positions.push(p!) } });
    await until(() => got.length === 4, 10_000, '4 entries');
    expect(pendingCount(input, 'g')).toBe(4);
    handle.injectBarrier(checkpointBarrier(1, 0));
    cliAdd(input, ['e']);
    await until(() => got.length === 5, 10_000, 'entry e');
    expect(positions[0]).toEqual({ last: expect.stringMatching(/^\d+-\d+$/) as string, seq: 4 });
    await source.commitCheckpoint(positions[0]);
    expect(pendingCount(input, 'g')).toBe(1);
    // Crash: cancel without committing e.
    handle.cancel();
    await handle.result.catch(() => undefined);

    const again: string[] = [];
    const h2 = pipeline()
      .from(redisStreamSource({ connection, stream: input, group: 'g', consumer: 'worker', decode: data }))
      .pipe(map((s: string) => (again.push(s), s)))
      .to(collect())
      .start();
    await until(() => again.length === 1, 10_000, 'the re-delivered entry');
    h2.drain();
    expect((await h2.result).result).toEqual(['e']);
  });

  it("takes over a dead consumer's pending entries with XAUTOCLAIM", async () => {
    const input = stream('claim');
    cliAdd(input, ['x1', 'x2', 'x3']);
    cli('XGROUP', 'CREATE', input, 'g', '0');
    // A consumer that reads and dies before acknowledging.
    expect(cli('XREADGROUP', 'GROUP', 'g', 'dead', 'COUNT', 10, 'STREAMS', input, '>').length).toBeGreaterThan(0);
    cliAdd(input, ['x4']);
    await new Promise((r) => setTimeout(r, 150));
    const got: string[] = [];
    const source = redisStreamSource({ connection, stream: input, group: 'g', consumer: 'alive', decode: data, claimIdleMs: 100, claimIntervalMs: 50 });
    const positions: JsonValue[] = [];
    const handle = pipeline()
      .from(source)
      .pipe(map((s: string) => (got.push(s), s)))
      .to(collect())
      .start({ checkpoints: { onSourceBarrier: (_id, _b, p) => positions.push(p!) } });
    await until(() => got.length === 4, 10_000, 'the 4 entries');
    handle.injectBarrier(checkpointBarrier(1, 0));
    handle.drain();
    await handle.result;
    expect([...got].sort()).toEqual(['x1', 'x2', 'x3', 'x4']);
    await source.commitCheckpoint(positions[0]);
    expect(pendingCount(input, 'g')).toBe(0);
  });

  it('loses nothing when its connections are killed mid-run (CLIENT KILL, at-least-once)', async () => {
    const input = stream('kill');
    const name = unique('conn');
    cliAdd(input, Array.from({ length: 100 }, (_, i) => `a${i}`));
    const seen = new Set<string>();
    const handle = pipeline()
      .from(redisStreamSource({ connection: { ...connection, connectionName: name }, stream: input, group: 'g', consumer: 'c', decode: data, count: 10, blockMs: 200 }))
      .pipe(map((s: string) => (seen.add(s), s)))
      .to(collect())
      .start();
    await until(() => seen.size === 100, 10_000, 'the first 100');
    expect(killClients(name)).toBeGreaterThan(0);
    cliAdd(input, Array.from({ length: 100 }, (_, i) => `b${i}`));
    await until(() => seen.size === 200, 15_000, 'the 100 added after the kill');
    handle.drain();
    await handle.result;
    expect(seen.size).toBe(200);
  });

  it('sends an undecodable entry through the error strategy', async () => {
    const input = stream('bad');
    cliAdd(input, ['1', 'oops', '3']);
    const dead: unknown[] = [];
    let n = 0;
    const handle = pipeline()
      .from(
        redisStreamSource({
          connection,
          stream: input,
          group: 'g',
          consumer: 'c',
          decode: (e) => {
            const v = Number(data(e));
            if (Number.isNaN(v)) throw new Error(`not a number: ${data(e)}`);
            return v;
          },
        }),
      )
      .pipe(map((x: number) => (n++, x)))
      .to(collect())
      .start({ errors: onError.skip(), hooks: { onError: (_id, e) => dead.push(e.message) } });
    await until(() => n === 2, 10_000, 'two good entries');
    handle.drain();
    expect((await handle.result).result).toEqual([1, 3]);
    expect(dead).toEqual([expect.stringMatching(new RegExp(`cannot decode entry ${input}/\\d+-\\d+: not a number: oops`)) as string]);
  });
});
