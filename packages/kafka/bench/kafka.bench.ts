/**
 * Kafka source → map → Kafka sink against a raw kafkajs consume → produce loop, same
 * broker, same record count, same producer settings (idempotent, acks=all, no
 * compression), measured in one run. Prints records/s and the ratio.
 *
 *   pnpm --filter @streamweave/kafka bench            # 100 000 records of ~100 bytes
 *   BENCH_RECORDS=20000 pnpm --filter @streamweave/kafka bench
 */
import { randomBytes } from 'node:crypto';
import { map, pipeline } from '@streamweave/core';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { createTopic, deleteTopic, kafkajsClient, kafkaSink, kafkaSource, type KafkaRecord } from '../src/index.js';

const brokers = (process.env.STREAMWEAVE_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const n = Number(process.env.BENCH_RECORDS ?? 100_000);
const client = kafkajsClient({ brokers });
const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
const id = randomBytes(4).toString('hex');
const input = `bench-in-${id}`;
const topics = [input, `bench-raw-out-${id}`, `bench-sw-out-${id}`];
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

async function raw(out: string): Promise<number> {
  // Both sides are timed from before they connect: the StreamWeave run connects inside.
  const t0 = performance.now();
  const consumer = kafka.consumer({ groupId: `bench-raw-${id}` });
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
  const ms = performance.now() - t0;
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  return ms;
}

async function streamweave(out: string): Promise<number> {
  let seen = 0;
  const t0 = performance.now();
  const handle = pipeline()
    .from(kafkaSource({ client, topics: [input], groupId: `bench-sw-${id}`, bufferSize: Number(process.env.BENCH_BUFFER ?? 5000) }))
    .pipe(map((r: KafkaRecord) => (seen++, { key: r.key, value: transform(r.value) })))
    .to(kafkaSink({ client, topic: out, batchSize: Number(process.env.BENCH_BATCH ?? 500), compression: 'none' }))
    .start();
  while (seen < n) await new Promise((r) => setTimeout(r, 5));
  if (process.env.BENCH_VERBOSE) console.log(`  all ${n} records through map after ${(performance.now() - t0).toFixed(0)} ms`);
  handle.drain();
  const { result } = await handle.result;
  if ((result as { records: number }).records !== n) throw new Error(`sink wrote ${JSON.stringify(result)}, expected ${n}`);
  return performance.now() - t0;
}

for (const t of topics) await createTopic(client, t, 3);
try {
  await seed();
  const rawMs = await raw(topics[1]!);
  const swMs = await streamweave(topics[2]!);
  const rate = (ms: number) => Math.round((n / ms) * 1000);
  console.log(`records: ${n}`);
  console.log(`raw kafkajs consume→produce: ${rawMs.toFixed(0)} ms, ${rate(rawMs)} records/s`);
  console.log(`streamweave source→map→sink: ${swMs.toFixed(0)} ms, ${rate(swMs)} records/s`);
  console.log(`ratio (streamweave / raw throughput): ${(rawMs / swMs).toFixed(2)}x`);
} finally {
  for (const t of topics) await deleteTopic(client, t).catch(() => undefined);
}
