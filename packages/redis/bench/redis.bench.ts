/**
 * Redis Streams write and read through StreamWeave against raw ioredis (pipelined XADD,
 * XREADGROUP COUNT loop), same server, same batch sizes, measured in one run.
 *
 * One warm-up round (discarded), then the median of 3 interleaved rounds.
 *
 *   pnpm --filter @streamweave/redis bench           # 100 000 entries
 */
import { randomBytes } from 'node:crypto';
import { forEach, fromArray, pipeline } from '@streamweave/core';
import { Redis } from 'ioredis';
import { redisStreamSink, redisStreamSource } from '../src/index.js';

const n = Number(process.env.BENCH_RECORDS ?? 100_000);
const batch = 100;
const id = randomBytes(4).toString('hex');
const redis = new Redis({ host: '127.0.0.1', port: 6379 });
const items = Array.from({ length: n }, (_, i) => `${i}:${'x'.repeat(90)}`);
const rate = (ms: number) => Math.round((n / ms) * 1000);

async function rawWrite(stream: string): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i += batch) {
    const p = redis.pipeline();
    for (let j = i; j < Math.min(n, i + batch); j++) p.xadd(stream, '*', 'data', items[j]!);
    await p.exec();
  }
  return performance.now() - t0;
}

async function swWrite(stream: string): Promise<number> {
  const t0 = performance.now();
  await pipeline().from(fromArray(items)).to(redisStreamSink({ stream, batchSize: batch })).run();
  return performance.now() - t0;
}

async function rawRead(stream: string): Promise<number> {
  await redis.xgroup('CREATE', stream, 'raw', '0');
  const t0 = performance.now();
  let seen = 0;
  while (seen < n) {
    const res = (await redis.xreadgroup('GROUP', 'raw', 'c', 'COUNT', batch, 'STREAMS', stream, '>')) as Array<[string, Array<[string, string[]]>]>;
    for (const [, fields] of res[0]![1]) if (fields[1]) seen++;
  }
  return performance.now() - t0;
}

async function swRead(stream: string): Promise<number> {
  let seen = 0;
  const t0 = performance.now();
  const handle = pipeline()
    .from(redisStreamSource({ stream, group: 'sw', consumer: 'c', count: batch, decode: (e) => e.fields['data']! }))
    .to(forEach(() => void seen++))
    .start();
  while (seen < n) await new Promise((r) => setTimeout(r, 1));
  const ms = performance.now() - t0;
  handle.drain();
  await handle.result.catch(() => undefined);
  return ms;
}

const rounds = 3;
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
/** Runs `f` and records the CPU time this process spent (user + system, ms). */
async function cpu(f: () => Promise<number>, into: number[]): Promise<number> {
  const u0 = process.cpuUsage();
  const ms = await f();
  const u = process.cpuUsage(u0);
  into.push((u.user + u.system) / 1000);
  return ms;
}
const streams: string[] = [];
const r = { rw: [] as number[], sw: [] as number[], rr: [] as number[], sr: [] as number[], rrCpu: [] as number[], srCpu: [] as number[] };
try {
  // Warm-up round (discarded): module loading and JIT would otherwise land on whichever side runs first.
  for (let i = 0; i <= rounds; i++) {
    const a = `bench-raw-${id}-${i}`;
    const b = `bench-sw-${id}-${i}`;
    streams.push(a, b);
    const rw = await rawWrite(a);
    const sw = await swWrite(b);
    const rr = await cpu(() => rawRead(a), r.rrCpu);
    const sr = await cpu(() => swRead(b), r.srCpu);
    if (i === 0) {
      r.rrCpu.length = 0;
      r.srCpu.length = 0;
      continue;
    }
    r.rw.push(rw);
    r.sw.push(sw);
    r.rr.push(rr);
    r.sr.push(sr);
  }
  const [rw, sw, rr, sr, rc, sc] = [r.rw, r.sw, r.rr, r.sr, r.rrCpu, r.srCpu].map(median) as [number, number, number, number, number, number];
  console.log(`entries: ${n}, batch ${batch}, median of ${rounds} interleaved rounds after a warm-up round`);
  console.log(`write  raw ioredis pipelined XADD: ${rate(rw)}/s   streamweave sink: ${rate(sw)}/s   ratio ${(rw / sw).toFixed(2)}x`);
  console.log(`read   raw ioredis XREADGROUP:     ${rate(rr)}/s   streamweave source: ${rate(sr)}/s   ratio ${(rr / sr).toFixed(2)}x`);
  console.log(`read CPU of this process: raw ${Math.round(rc)} ms, source ${Math.round(sc)} ms, ratio ${(sc / rc).toFixed(2)}`);
} finally {
  await redis.del(...streams);
  redis.disconnect();
}
