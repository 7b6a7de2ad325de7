/**
 * Kafka → map → Kafka, exactly once: a transaction per checkpoint epoch carries the
 * output records and the consumer group's offsets together. Needs a broker at
 * STREAMWEAVE_KAFKA_BROKERS (default 127.0.0.1:9092); without one it prints why it
 * skipped and exits 0 (unless STREAMWEAVE_REQUIRE_SERVICES=1).
 */
import { checkpointBarrier, map, pipeline } from '@streamweave/core';
import { createTopic, deleteTopic, kafkajsClient, kafkaSink, kafkaSource, kafkaTransactionalSink, readAllMessages, type KafkaRecord } from '@streamweave/kafka';
import { requireServer } from './support/requireServer.js';

const brokers = (process.env.STREAMWEAVE_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

const [kafkaHost, kafkaPort] = brokers[0]!.split(':');
await requireServer('Kafka', kafkaHost!, Number(kafkaPort));

const client = kafkajsClient({ brokers });
const suffix = Math.random().toString(36).slice(2, 8);
const input = `example-orders-${suffix}`;
const output = `example-totals-${suffix}`;
await createTopic(client, input, 2);
await createTopic(client, output, 2);
try {
  // Seed the input with a plain (idempotent, gzip) sink.
  const orders = Array.from({ length: 100 }, (_, i) => ({ id: i, customer: `c${i % 5}`, cents: 100 + i }));
  const { fromArray } = await import('@streamweave/core');
  await pipeline()
    .from(fromArray(orders))
    .to(kafkaSink({ client, topic: input, toRecord: (o) => ({ key: o.customer, value: JSON.stringify(o) }) }))
    .run();

  let seen = 0;
  const source = kafkaSource({ client, topics: [input], groupId: `example-${suffix}`, decode: (r: KafkaRecord) => JSON.parse(String(r.value)) as (typeof orders)[number] });
  const handle = pipeline()
    .from(source)
    .pipe(map((o: (typeof orders)[number]) => (seen++, { key: o.customer, value: `${o.id}:${(o.cents * 1.2) | 0}` })))
    .to(kafkaTransactionalSink({ client, topic: output, source, transactionalId: `example-${suffix}` }))
    .start();
  let checkpoint = 0;
  const timer = setInterval(() => handle.injectBarrier(checkpointBarrier(++checkpoint, Date.now())), 200);
  while (seen < orders.length) await new Promise((r) => setTimeout(r, 50));
  handle.drain();
  const { result } = await handle.result;
  clearInterval(timer);

  const written = await readAllMessages(client, output);
  if (written.length !== orders.length) throw new Error(`expected ${orders.length} records, read ${written.length}`);
  console.log(`kafka-pipeline: ${JSON.stringify(result)}; read back ${written.length} committed records, first: ${String(written[0]!.value)}`);
} finally {
  await deleteTopic(client, input).catch(() => undefined);
  await deleteTopic(client, output).catch(() => undefined);
}
