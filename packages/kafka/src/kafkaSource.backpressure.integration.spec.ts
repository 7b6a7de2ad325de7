/**
 * Backpressure against the real broker: a slow sink makes the source hold kafkajs' fetch loop,
 * then pause the partition, so the broker is no longer asked for records while downstream is
 * behind; once it catches up the partition is resumed and every record arrives once, in order.
 * (kafkaSource.backpressure.spec.ts checks the same logic step by step with a fake client.)
 */
import { defineConsumer, pipeline } from '@streamweave/core';
import { createTopic, deleteTopic, type KafkaClient, kafkajsClient, kafkaSource, type KafkaRecord } from './index.js';
import { brokers, kafkaUp, kcatProduce, unique, until } from './test-support/services.js';

const up = kafkaUp();
const describeKafka = up ? describe : describe.skip;
const client = kafkajsClient({ brokers, retries: 8 });
const created: string[] = [];

/** `client` whose consumers log pause / resume and count the records each fetch hands over. */
function observedClient(log: string[], fetched: { records: number }): KafkaClient {
  return {
    ...client,
    admin: () => client.admin(),
    producer: (c) => client.producer(c),
    async consumer(cfg) {
      const c = await client.consumer(cfg);
      return {
        ...c,
        start: (h) =>
          c.start({
            ...h,
            onRecords: (records) => {
              fetched.records += records.length;
              return h.onRecords(records);
            },
          }),
        pause: (t, p) => {
          log.push(`pause ${t}/${p.join(',')}`);
          c.pause(t, p);
        },
        resume: (t, p) => {
          log.push(`resume ${t}/${p.join(',')}`);
          c.resume(t, p);
        },
        seek: (t, p, o) => c.seek(t, p, o),
        commit: (o) => c.commit(o),
        close: () => c.close(),
      };
    },
  };
}

afterAll(async () => {
  if (!up) return;
  for (const t of created) await deleteTopic(client, t).catch(() => undefined);
});

describeKafka('kafkaSource backpressure (real broker)', () => {
  jest.setTimeout(60_000);

  it('pauses the partition while a slow sink is behind (no records fetched meanwhile), resumes it, and delivers every record once in order', async () => {
    const topic = unique('bp-in');
    created.push(topic);
    await createTopic(client, topic, 1);
    // ~1 KB records: 3 MB, about three of kafkajs' 1 MiB-per-partition fetches.
    const n = 3000;
    const pad = 'x'.repeat(1000);
    kcatProduce(
      topic,
      Array.from({ length: n }, (_, i) => `${i}:${pad}`),
    );
    const log: string[] = [];
    const fetched = { records: 0 };
    let open: () => void = () => undefined;
    const gate = new Promise<void>((r) => (open = r));
    const got: number[] = [];
    const slow = defineConsumer<KafkaRecord, number[]>('slow', {}, undefined, () => ({
      item: async (r) => {
        if (got.length >= 10) await gate;
        got.push(Number(String((r as KafkaRecord).value).split(':')[0]));
      },
      complete: () => got,
    }));
    const handle = pipeline()
      .from(kafkaSource({ client: observedClient(log, fetched), topics: [topic], groupId: unique('bp-g'), bufferSize: 50, fromBeginning: true }))
      .to(slow)
      .start({ creditWindow: 8 });
    // Held for at most 1 s, then paused.
    await until(() => log.includes(`pause ${topic}/0`), 15_000, 'the partition to be paused');
    const atPause = fetched.records;
    expect(atPause).toBeLessThan(n);
    await new Promise((r) => setTimeout(r, 2000));
    // Paused: the broker was not asked for more (kafkajs keeps fetching other partitions only).
    expect(fetched.records).toBe(atPause);
    expect(got).toHaveLength(10);
    open();
    await until(() => got.length === n, 30_000, `all ${n} records to arrive`);
    expect(log).toContain(`resume ${topic}/0`);
    expect(log.indexOf(`resume ${topic}/0`)).toBeGreaterThan(log.indexOf(`pause ${topic}/0`));
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
    handle.drain();
    const { result } = await handle.result;
    expect(result).toHaveLength(n);
  });
});
