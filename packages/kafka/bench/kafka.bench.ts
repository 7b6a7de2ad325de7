/**
 * Kafka source → map → Kafka sink against a raw kafkajs consume → produce loop, same
 * broker, same record count, same producer settings (idempotent, acks=all, no
 * compression), measured in one run. Prints records/s and the ratio.
 *
 *   pnpm --filter @streamweave/kafka bench            # 100 000 records of ~100 bytes
 *   BENCH_RECORDS=20000 pnpm --filter @streamweave/kafka bench
 *
 * Both sides are timed from before they connect to the broker's acknowledgement of the last
 * record, and again including closing their clients; BENCH_ROUNDS rounds (default 5) in
 * alternating order, medians compared. Also printed: the load average, each round's ratio
 * (its two runs ran back to back) and the process CPU of each side. After every run (untimed) the output topic's end offsets are
 * checked: exactly BENCH_RECORDS more records on each side.
 *
 *   BENCH_VERBOSE=1   per run: produce requests, records and partitions per request, time
 *                     awaiting acknowledgements, process CPU, records consumed (=2: request sizes)
 *   BENCH_PROFILE=dir a CPU profile of each side's timed part, for `node --cpu-prof`-style reading
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Session } from 'node:inspector/promises';
import { map, pipeline } from '@streamweave/core';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import { createTopic, deleteTopic, type KafkaClient, kafkajsClient, kafkaSink, kafkaSource, type KafkaRecord } from '../src/index.js';

const brokers = (process.env.STREAMWEAVE_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const n = Number(process.env.BENCH_RECORDS ?? 100_000);
const client = kafkajsClient({ brokers });
const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
const id = randomBytes(4).toString('hex');
const input = `bench-in-${id}`;
const topics = [input, `bench-raw-out-${id}`, `bench-sw-out-${id}`];
let runs = 0;
const verbose = process.env.BENCH_VERBOSE;
const transform = (v: Buffer | null) => Buffer.from(String(v).toUpperCase());

async function seed(): Promise<void> {
  const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  const value = 'x'.repeat(90);
  for (let i = 0; i < n; i += 5000) {
    const messages = Array.from({ length: Math.min(5000, n - i) }, (_, j) => ({ key: `k${(i + j) % 64}`, value: `${i + j}:${value}` }));
    await p.send({ topic: input, messages, acks: -1 });
  }
  await p.disconnect();
}

/** Produce-side counters of one side (BENCH_VERBOSE): sends, records, partitions per send, time awaiting acks. */
class SendStats {
  private sends = 0;
  private records = 0;
  private partitions = 0;
  private busyMs = 0;
  private lastEnd = 0;
  private readonly created = performance.now();
  private firstAt = 0;
  /** Idle time between one request's acknowledgement and the next request, per request. */
  private readonly gaps: number[] = [];
  /** Batches and records the consumer handed over. */
  fetched = 0;
  fetchedRecords = 0;
  private readonly sizes = new Map<number, number>();
  private readonly cpu = process.cpuUsage();
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly meta = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0 }));
  async time<R>(messages: ReadonlyArray<{ key?: Buffer | string | null }>, send: () => Promise<R>): Promise<R> {
    if (!verbose) return send();
    this.sends++;
    this.records += messages.length;
    this.sizes.set(messages.length, (this.sizes.get(messages.length) ?? 0) + 1);
    const seen = new Set<number>();
    for (const m of messages) seen.add(this.partitioner({ topic: '', partitionMetadata: this.meta as never, message: m as never }));
    this.partitions += seen.size;
    const t = performance.now();
    if (this.lastEnd > 0) this.gaps.push(t - this.lastEnd);
    else this.firstAt = t - this.created;
    try {
      return await send();
    } finally {
      this.lastEnd = performance.now();
      this.busyMs += this.lastEnd - t;
    }
  }
  print(label: string, totalMs: number): void {
    if (!verbose) return;
    const cpu = process.cpuUsage(this.cpu);
    console.log(
      `  ${label}: ${this.sends} sends, ${(this.records / this.sends).toFixed(0)} records and ${(this.partitions / this.sends).toFixed(2)} partitions per send, ` +
        `${(this.busyMs / this.sends).toFixed(1)} ms per send, awaiting acks ${((100 * this.busyMs) / totalMs).toFixed(0)}% of ${totalMs.toFixed(0)} ms, ` +
        `CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, consumed ${this.fetchedRecords} records in ${this.fetched} batches`,
    );
    const g = [...this.gaps].sort((a, b) => a - b);
    const q = (f: number) => (g[Math.floor(f * (g.length - 1))] ?? 0).toFixed(1);
    console.log(`    first request ${this.firstAt.toFixed(0)} ms after the start; between requests: median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(1)} ms, sum ${g.reduce((a, b) => a + b, 0).toFixed(0)} ms`);
    if (process.env.BENCH_VERBOSE === '2') console.log(`    records per send: ${[...this.sizes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}×${v}`).join(' ')}`);
  }
}

interface Timing {
  /** From before connecting to the last record acknowledged by the broker. */
  readonly ackMs: number;
  /** The same, plus closing the consumer and producer. */
  readonly closedMs: number;
  /** Process CPU (user + system) over `ackMs`: the work, whatever else the machine runs. */
  readonly cpuMs: number;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};

async function raw(out: string): Promise<Timing> {
  // Both sides are timed from before they connect: the StreamWeave run connects inside.
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // The consumer settings kafkajsClient uses (its 500 ms fetch wait; kafkajs' default is 5 s).
  const consumer = kafka.consumer({ groupId: `bench-raw-${id}-${++runs}`, maxWaitTimeInMs: 500 });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topics: [input], fromBeginning: true });
  let seen = 0;
  const stats = new SendStats();
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        stats.fetched++;
        stats.fetchedRecords += batch.messages.length;
        const messages = batch.messages.map((m) => ({ key: m.key, value: transform(m.value) }));
        for (let i = 0; i < messages.length; i += 500) {
          const part = messages.slice(i, i + 500);
          await stats.time(part, () => producer.sendBatch({ topicMessages: [{ topic: out, messages: part }], acks: -1, compression: CompressionTypes.None }));
        }
        seen += messages.length;
        if (seen >= n) resolve();
      },
    });
  });
  const ackMs = performance.now() - t0;
  const cpu = cpuMs(cpu0);
  stats.print('raw', ackMs);
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  return { ackMs, closedMs: performance.now() - t0, cpuMs: cpu };
}

/** Checks that `topic` holds exactly `expected` records (every side's runs so far, n each): nothing lost, nothing doubled. */
async function verify(topic: string, expected: number): Promise<void> {
  const admin = await client.admin();
  try {
    let total = 0;
    for (const end of Object.values(await admin.endOffsets(topic))) total += Number(end);
    if (total !== expected) throw new Error(`${topic} holds ${total} records, expected ${expected}`);
  } finally {
    await admin.close();
  }
}

async function streamweave(out: string): Promise<Timing> {
  let seen = 0;
  let acked = 0;
  let ackMs = 0;
  let cpu = 0;
  const stats = new SendStats();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // The client as the sink sees it, noting when the broker acknowledged the last record.
  const timed: KafkaClient = {
    ...client,
    admin: () => client.admin(),
    async consumer(c) {
      const consumer = await client.consumer(c);
      return {
        ...consumer,
        start: (h) =>
          consumer.start({
            ...h,
            onRecords(records) {
              stats.fetched++;
              stats.fetchedRecords += records.length;
              return h.onRecords(records);
            },
          }),
      };
    },
    async producer(c) {
      const p = await client.producer(c);
      return {
        ...p,
        async send(messages, compression) {
          await stats.time(messages, () => p.send(messages, compression));
          acked += messages.length;
          if (acked >= n && ackMs === 0) {
            ackMs = performance.now() - t0;
            cpu = cpuMs(cpu0);
          }
        },
      };
    },
  };
  // Drained from inside the map the moment the last record passes, as the raw loop stops
  // from inside its batch handler: neither side waits for a further (empty) long-poll fetch.
  let drain = () => {};
  const handle = pipeline()
    // The source's default buffer (1 000 records) unless BENCH_BUFFER says otherwise: the shipped
    // configuration. (5 000, used before, kept more fetched records alive at once.)
    .from(
      kafkaSource({
        client: timed,
        topics: [input],
        groupId: `bench-sw-${id}-${++runs}`,
        ...(process.env.BENCH_BUFFER ? { bufferSize: Number(process.env.BENCH_BUFFER) } : {}),
      }),
    )
    .pipe(
      map((r: KafkaRecord) => {
        if (++seen === n) {
          if (process.env.BENCH_VERBOSE) console.log(`  all ${n} records through map after ${(performance.now() - t0).toFixed(0)} ms`);
          drain();
        }
        return { key: r.key, value: transform(r.value) };
      }),
    )
    .to(kafkaSink({ client: timed, topic: out, batchSize: Number(process.env.BENCH_BATCH ?? 500), compression: 'none' }))
    .start(process.env.BENCH_CREDIT ? { creditWindow: Number(process.env.BENCH_CREDIT) } : {});
  drain = () => handle.drain();
  const { result } = await handle.result;
  stats.print('streamweave', ackMs);
  if ((result as { records: number }).records !== n) throw new Error(`sink wrote ${JSON.stringify(result)}, expected ${n}`);
  return { ackMs, closedMs: performance.now() - t0, cpuMs: cpu };
}

for (const t of topics) await createTopic(client, t, 3);
try {
  await seed();
  // BENCH_ROUNDS rounds (default 5), alternating which side goes first, so neither always
  // reads a warmer broker cache; the shared machine is noisy, so medians are compared.
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const load0 = loadavg();
  const only = process.env.BENCH_ONLY; // 'raw' or 'streamweave', for profiling one side
  const rawRuns: Timing[] = [];
  const swRuns: Timing[] = [];
  // BENCH_PROFILE=<dir>: a CPU profile of each side's timed part (seeding and set-up left out).
  const profileDir = process.env.BENCH_PROFILE;
  const session = profileDir ? new Session() : undefined;
  session?.connect();
  await session?.post('Profiler.enable');
  const profiled = async <R>(name: string, run: () => Promise<R>): Promise<R> => {
    if (!session) return run();
    await session.post('Profiler.start');
    const r = await run();
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${profileDir}/${name}-${Date.now()}.cpuprofile`, JSON.stringify(profile));
    return r;
  };
  for (let i = 0; i < rounds; i++) {
    // After each run (untimed): the output topic holds exactly n more records.
    const sides = [
      async () => {
        if (only === 'streamweave') return;
        rawRuns.push(await profiled('raw', () => raw(topics[1]!)));
        await verify(topics[1]!, rawRuns.length * n);
      },
      async () => {
        if (only === 'raw') return;
        swRuns.push(await profiled('streamweave', () => streamweave(topics[2]!)));
        await verify(topics[2]!, swRuns.length * n);
      },
    ];
    if (i % 2 === 1) sides.reverse();
    for (const side of sides) await side();
  }
  const mid = (values: number[]) => {
    const v = [...values].sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  };
  const median = (ts: Timing[], k: keyof Timing) => mid(ts.map((t) => t[k]));
  const rate = (ms: number) => Math.round((n / ms) * 1000);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`records: ${n}, ${rounds} rounds (alternating order), medians; every run's output checked: exactly ${n} records`);
  console.log(`load average (1, 5, 15 min) at the start: ${load(load0)}, at the end: ${load(loadavg())} (${availableParallelism()} CPUs)`);
  for (const [k, label] of [['ackMs', 'to the last record acknowledged'], ['closedMs', 'including closing the clients']] as const) {
    console.log(`${label}:`);
    const r = rawRuns.length ? median(rawRuns, k) : NaN;
    const w = swRuns.length ? median(swRuns, k) : NaN;
    console.log(`  raw kafkajs consume→produce: ${r.toFixed(0)} ms, ${rate(r)} records/s (${rawRuns.map((t) => t[k].toFixed(0)).join(', ')} ms)`);
    console.log(`  streamweave source→map→sink: ${w.toFixed(0)} ms, ${rate(w)} records/s (${swRuns.map((t) => t[k].toFixed(0)).join(', ')} ms)`);
    console.log(`  ratio (streamweave / raw throughput): ${(r / w).toFixed(2)}x`);
  }
  if (rawRuns.length && rawRuns.length === swRuns.length) {
    // Each round's two runs ran back to back: their ratio sees the same machine load.
    const paired = rawRuns.map((t, i) => t.ackMs / swRuns[i]!.ackMs);
    console.log(`per round, to the last acknowledgement: ${paired.map((x) => x.toFixed(2)).join(', ')}x (median ${mid(paired).toFixed(2)}x)`);
    const rc = median(rawRuns, 'cpuMs');
    const wc = median(swRuns, 'cpuMs');
    console.log(`process CPU to the last acknowledgement: raw ${rc.toFixed(0)} ms, streamweave ${wc.toFixed(0)} ms, ratio (raw / streamweave) ${(rc / wc).toFixed(2)}x`);
  }
} finally {
  for (const t of topics) await deleteTopic(client, t).catch(() => undefined);
}
