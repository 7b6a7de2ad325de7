/**
 * MQTT publish and consume through StreamWeave against raw mqtt.js, same broker, same
 * QoS, measured in one run: one warm-up round (discarded), then 3 interleaved rounds (median).
 *
 *   pnpm --filter @streamweave/mqtt bench      # BENCH_MESSAGES=20000, BENCH_QOS=1 by default
 *
 * The consume runs include mqttSource with its write-ahead journal (a persistent session, a
 * fresh journal directory per round): fsync off over BENCH_MESSAGES, fsync on over
 * BENCH_FSYNC_MESSAGES (default 1000: one fsync per message takes milliseconds), each as a
 * ratio to the raw mqtt.js consumer over the same number of messages in the same round.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEach, fromArray, pipeline } from '@streamweave/core';
import mqtt from 'mqtt';
import { mqttSink, mqttSource, type QoS } from '../src/index.js';

const url = process.env.STREAMWEAVE_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const n = Number(process.env.BENCH_MESSAGES ?? 20_000);
const qos = Number(process.env.BENCH_QOS ?? 1) as QoS;
const nFsync = Number(process.env.BENCH_FSYNC_MESSAGES ?? 1000);
const inflightWindow = 100;
const rounds = 3;
const consumeLead = 500;
const payloads = Array.from({ length: n }, (_, i) => `${i}:${'x'.repeat(90)}`);
const topic = (k: string) => `sw-bench/${process.pid}/${k}`;

async function rawPublish(t: string): Promise<number> {
  const c = await mqtt.connectAsync(url);
  const t0 = performance.now();
  // At most 100 unacknowledged publishes (a 1000 window stalled this raw loop on Mosquitto here; not investigated).
  const inflight = new Set<Promise<unknown>>();
  for (const p of payloads) {
    const pr = c.publishAsync(t, p, { qos }).finally(() => inflight.delete(pr));
    inflight.add(pr);
    if (inflight.size >= inflightWindow) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  const ms = performance.now() - t0;
  await c.endAsync();
  return ms;
}

async function swPublish(t: string): Promise<number> {
  const t0 = performance.now();
  await pipeline().from(fromArray(payloads)).to(mqttSink({ url, topic: t, qos })).run();
  return performance.now() - t0;
}

/**
 * Time from the first publish until the consumer saw all n messages. The publisher stays
 * at most `consumeLead` messages ahead of the consumer: Mosquitto queues at most
 * `max_queued_messages` (default 1000) QoS >= 1 messages per subscriber and drops the
 * rest, which made a consumer that fell behind wait forever.
 */
async function consume(start: (t: string, onMessage: () => void) => Promise<() => Promise<void>>, n = payloads.length): Promise<number> {
  const t = topic(`c${Math.random().toString(36).slice(2, 8)}`);
  let seen = 0;
  let caughtUp: (() => void) | undefined;
  let target = 0;
  const stop = await start(t, () => {
    seen++;
    if (caughtUp && seen >= target) {
      const r = caughtUp;
      caughtUp = undefined;
      r();
    }
  });
  const c = await mqtt.connectAsync(url);
  const waitFor = (count: number) => (seen >= count ? undefined : new Promise<void>((r) => ((target = count), (caughtUp = r))));
  const t0 = performance.now();
  const inflight = new Set<Promise<unknown>>();
  for (let i = 0; i < n; i++) {
    if (i - seen >= consumeLead) await waitFor(i - consumeLead / 2);
    const pr = c.publishAsync(t, payloads[i]!, { qos }).finally(() => inflight.delete(pr));
    inflight.add(pr);
    if (inflight.size >= inflightWindow) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  await waitFor(n);
  const ms = performance.now() - t0;
  await c.endAsync();
  await stop();
  return ms;
}

const rawConsumer = async (t: string, onMessage: () => void) => {
  const c = await mqtt.connectAsync(url);
  c.on('message', onMessage);
  await c.subscribeAsync(t, { qos });
  return () => c.endAsync();
};

const swConsumer = async (t: string, onMessage: () => void) => {
  let ready!: () => void;
  const subscribed = new Promise<void>((r) => (ready = r));
  const h = pipeline()
    .from(mqttSource({ url, topics: t, qos, onClient: () => ready() }))
    .to(forEach(() => onMessage()))
    .start();
  await subscribed;
  return async () => {
    h.drain();
    await h.result;
  };
};

/**
 * mqttSource with a persistent session and, unless `fsync` is undefined, its write-ahead journal
 * (fresh directory); session and directory are removed afterwards. Without the journal it is the
 * control: what the persistent session alone costs.
 */
const journalConsumer = (fsync: boolean | undefined) => async (t: string, onMessage: () => void) => {
  let ready!: () => void;
  const subscribed = new Promise<void>((r) => (ready = r));
  const clientId = `mqttjournal-bench-${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'mqttjournal-bench-'));
  const h = pipeline()
    .from(mqttSource({ url, topics: t, qos: qos === 0 ? 1 : qos, clientId, ...(fsync === undefined ? {} : { journal: { dir, fsync } }), onClient: () => ready() }))
    .to(forEach(() => onMessage()))
    .start();
  await subscribed;
  return async () => {
    h.drain();
    await h.result;
    const c = await mqtt.connectAsync(url, { clientId, clean: true });
    await c.endAsync();
    rmSync(dir, { recursive: true, force: true });
  };
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (ms: number) => (n / ms) * 1000;
const fmt = (x: number) => Math.round(x).toLocaleString('en');
// Warm-up: module loading and JIT would otherwise land on whichever side runs first.
await rawPublish(topic('warm'));
await swPublish(topic('warm'));
await consume(rawConsumer);
await consume(swConsumer);
await consume(journalConsumer(false));
await consume(journalConsumer(true), nFsync);
const results = {
  rawPub: [] as number[],
  swPub: [] as number[],
  rawSub: [] as number[],
  swSub: [] as number[],
  rawPubCpu: [] as number[],
  swPubCpu: [] as number[],
  journalSub: [] as number[],
  persistentSub: [] as number[],
  rawSubSmall: [] as number[],
  journalFsyncSub: [] as number[],
};
/** Runs `f` and records the CPU time this process spent (user + system, ms). */
async function cpu(f: () => Promise<number>, into: number[]): Promise<number> {
  const u0 = process.cpuUsage();
  const ms = await f();
  const u = process.cpuUsage(u0);
  into.push((u.user + u.system) / 1000);
  return ms;
}
for (let i = 0; i < rounds; i++) {
  results.rawPub.push(await cpu(() => rawPublish(topic('p')), results.rawPubCpu));
  results.swPub.push(await cpu(() => swPublish(topic('p')), results.swPubCpu));
  results.rawSub.push(await consume(rawConsumer));
  results.swSub.push(await consume(swConsumer));
  results.persistentSub.push(await consume(journalConsumer(undefined)));
  results.journalSub.push(await consume(journalConsumer(false)));
  results.rawSubSmall.push(await consume(rawConsumer, nFsync));
  results.journalFsyncSub.push(await consume(journalConsumer(true), nFsync));
}
const [rp, sp, rs, ss] = [results.rawPub, results.swPub, results.rawSub, results.swSub].map((x) => rate(median(x)));
console.log(`MQTT ${n} messages of ~100 bytes at QoS ${qos}, median of ${rounds} interleaved rounds after a warm-up round`);
console.log(`  publish: raw mqtt.js ${fmt(rp!)} msg/s, mqttSink ${fmt(sp!)} msg/s, ratio ${(sp! / rp!).toFixed(3)}`);
const [rc, sc] = [results.rawPubCpu, results.swPubCpu].map(median);
console.log(`  publish CPU of this process: raw ${Math.round(rc!)} ms, mqttSink ${Math.round(sc!)} ms, ratio ${(sc! / rc!).toFixed(3)} (the rest of the wall time is waiting for the broker)`);
console.log(`  consume: raw mqtt.js ${fmt(rs!)} msg/s, mqttSource ${fmt(ss!)} msg/s, ratio ${(ss! / rs!).toFixed(3)}`);
const ps = rate(median(results.persistentSub));
console.log(`  consume, persistent session without the journal (control): mqttSource ${fmt(ps)} msg/s, ratio to raw ${(ps / rs!).toFixed(3)}`);
const js = rate(median(results.journalSub));
console.log(`  consume with the journal (fsync off): mqttSource ${fmt(js)} msg/s, ratio to raw ${(js / rs!).toFixed(3)}, to the control ${(js / ps).toFixed(3)}`);
const [rsSmall, jfs] = [results.rawSubSmall, results.journalFsyncSub].map((x) => (nFsync / median(x)) * 1000);
console.log(`  consume with the journal (fsync on), ${nFsync} messages: raw mqtt.js ${fmt(rsSmall!)} msg/s, mqttSource ${fmt(jfs!)} msg/s, ratio ${(jfs! / rsSmall!).toFixed(3)}`);
