/**
 * Kafka source → map → Kafka sink against a raw kafkajs consume → produce loop, same
 * broker, same record count, same producer settings (idempotent, acks=all, no
 * compression), measured in one run. Prints records/s and the ratio.
 *
 *   pnpm --filter @streamweave/kafka bench            # 100 000 records of ~100 bytes
 *   BENCH_RECORDS=20000 pnpm --filter @streamweave/kafka bench
 *
 * Both sides are timed from before they connect to the broker's acknowledgement of the last
 * record, and again including closing their clients; BENCH_ROUNDS rounds in alternating
 * order, medians compared.
 */
import { randomBytes } from 'node:crypto';
import { map, pipeline } from '@streamweave/core';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { createTopic, deleteTopic, type KafkaClient, kafkajsClient, kafkaSink, kafkaSource, type KafkaRecord } from '../src/index.js';

const brokers = (process.env.STREAMWEAVE_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const n = Number(process.env.BENCH_RECORDS ?? 100_000);
const client = kafkajsClient({ brokers });
const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
const id = randomBytes(4).toString('hex');
const input = `bench-in-${id}`;
const topics = [input, `bench-raw-out-${id}`, `bench-sw-out-${id}`];
let runs = 0;
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

interface Timing {
  /** From before connecting to the last record acknowledged by the broker. */
  readonly ackMs: number;
  /** The same, plus closing the consumer and producer. */
  readonly closedMs: number;
}

async function raw(out: string): Promise<Timing> {
  // Both sides are timed from before they connect: the StreamWeave run connects inside.
  const t0 = performance.now();
  const consumer = kafka.consumer({ groupId: `bench-raw-${id}-${++runs}` });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topics: [input], fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const messages = batch.messages.map((m) => ({ key: m.key, value: transform(m.value) }));
        for (let i = 0; i < messages.length; i += 500) {
          await producer.sendBatch({ topicMessages: [{ topic: out, messages: messages.slice(i, i + 500) }], acks: -1, compression: CompressionTypes.None });
        }
        seen += messages.length;
        if (seen >= n) resolve();
      },
    });
  });
  const ackMs = performance.now() - t0;
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  return { ackMs, closedMs: performance.now() - t0 };
}

async function streamweave(out: string): Promise<Timing> {
  let seen = 0;
  let acked = 0;
  let ackMs = 0;
  const t0 = performance.now();
  // The client as the sink sees it, noting when the broker acknowledged the last record.
  const timed: KafkaClient = {
    ...client,
    admin: () => client.admin(),
    consumer: (c) => client.consumer(c),
    async producer(c) {
      const p = await client.producer(c);
      return {
        ...p,
        async send(messages, compression) {
          await p.send(messages, compression);
          acked += messages.length;
          if (acked >= n && ackMs === 0) ackMs = performance.now() - t0;
        },
      };
    },
  };
  const handle = pipeline()
    .from(kafkaSource({ client, topics: [input], groupId: `bench-sw-${id}-${++runs}`, bufferSize: Number(process.env.BENCH_BUFFER ?? 5000) }))
    .pipe(map((r: KafkaRecord) => (seen++, { key: r.key, value: transform(r.value) })))
    .to(kafkaSink({ client: timed, topic: out, batchSize: Number(process.env.BENCH_BATCH ?? 500), compression: 'none' }))
    .start(process.env.BENCH_CREDIT ? { creditWindow: Number(process.env.BENCH_CREDIT) } : {});
  while (seen < n) await new Promise((r) => setTimeout(r, 5));
  if (process.env.BENCH_VERBOSE) console.log(`  all ${n} records through map after ${(performance.now() - t0).toFixed(0)} ms`);
  handle.drain();
  const { result } = await handle.result;
  if ((result as { records: number }).records !== n) throw new Error(`sink wrote ${JSON.stringify(result)}, expected ${n}`);
  return { ackMs, closedMs: performance.now() - t0 };
}

for (const t of topics) await createTopic(client, t, 3);
try {
  await seed();
  // BENCH_ROUNDS rounds (default 3), alternating which side goes first, so neither always
  // reads a warmer broker cache; the shared machine is noisy, so medians are compared.
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const only = process.env.BENCH_ONLY; // 'raw' or 'streamweave', for profiling one side
  const rawRuns: Timing[] = [];
  const swRuns: Timing[] = [];
  for (let i = 0; i < rounds; i++) {
    const sides = [
      async () => only !== 'streamweave' && rawRuns.push(await raw(topics[1]!)),
      async () => only !== 'raw' && swRuns.push(await streamweave(topics[2]!)),
    ];
    if (i % 2 === 1) sides.reverse();
    for (const side of sides) await side();
  }
  const median = (ts: Timing[], k: keyof Timing) => {
    const v = ts.map((t) => t[k]).sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  };
  const rate = (ms: number) => Math.round((n / ms) * 1000);
  console.log(`records: ${n}, ${rounds} rounds (alternating order), medians`);
  for (const [k, label] of [['ackMs', 'to the last record acknowledged'], ['closedMs', 'including closing the clients']] as const) {
    console.log(`${label}:`);
    const r = rawRuns.length ? median(rawRuns, k) : NaN;
    const w = swRuns.length ? median(swRuns, k) : NaN;
    console.log(`  raw kafkajs consume→produce: ${r.toFixed(0)} ms, ${rate(r)} records/s (${rawRuns.map((t) => t[k].toFixed(0)).join(', ')} ms)`);
    console.log(`  streamweave source→map→sink: ${w.toFixed(0)} ms, ${rate(w)} records/s (${swRuns.map((t) => t[k].toFixed(0)).join(', ')} ms)`);
    console.log(`  ratio (streamweave / raw throughput): ${(r / w).toFixed(2)}x`);
  }
} finally {
  for (const t of topics) await deleteTopic(client, t).catch(() => undefined);
}
