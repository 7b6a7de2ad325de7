/**
 * Redis Streams: write events with the pipelined XADD sink, read them back with a
 * consumer group, and acknowledge them when the checkpoint completes. Needs Redis at
 * STREAMWEAVE_REDIS_URL (default redis://127.0.0.1:6379); without one it prints why it
 * skipped and exits 0 (unless STREAMWEAVE_REQUIRE_SERVICES=1).
 */
import { checkpointBarrier, collect, fromArray, type JsonValue, map, pipeline } from '@streamweave/core';
import { redisStreamSink, redisStreamSource, type RedisStreamEntry } from '@streamweave/redis';
import { requireServer } from './support/requireServer.js';

const url = process.env.STREAMWEAVE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const { hostname, port } = new URL(url);
await requireServer('Redis', hostname, Number(port || 6379));

const stream = `example-events-${Math.random().toString(36).slice(2, 8)}`;
const events = Array.from({ length: 50 }, (_, i) => ({ user: `u${i % 3}`, n: i }));
const written = await pipeline().from(fromArray(events)).to(redisStreamSink({ connection: url, stream, maxLen: 10_000 })).run();

let position: JsonValue | undefined;
let seen = 0;
const source = redisStreamSource({ connection: url, stream, group: 'report', consumer: 'worker-1', decode: (e: RedisStreamEntry) => JSON.parse(e.fields['data']!) as (typeof events)[number] });
const handle = pipeline()
  .from(source)
  .pipe(map((e: (typeof events)[number]) => (seen++, e.n)))
  .to(collect())
  .start({ checkpoints: { onSourceBarrier: (_id, _b, p) => (position = p) } });
while (seen < events.length) await new Promise((r) => setTimeout(r, 20));
handle.injectBarrier(checkpointBarrier(1, Date.now()));
handle.drain();
const { result } = await handle.result;
// The checkpoint is complete (no stateful operator): acknowledge what it covers.
await source.commitCheckpoint(position);

const sum = result.reduce((a, b) => a + b, 0);
if (sum !== (49 * 50) / 2) throw new Error(`wrong sum ${sum}`);
const { Redis } = await import('ioredis');
const redis = new Redis(url);
const pending = (await redis.xpending(stream, 'report')) as [number, ...unknown[]];
await redis.del(stream);
redis.disconnect();
if (pending[0] !== 0) throw new Error(`expected nothing pending, got ${pending[0]}`);
console.log(`redis-streams: wrote ${written.result.entries} entries, read ${result.length} (sum ${sum}), pending after checkpoint: ${pending[0]}`);
