import { checkpointBarrier, defineConsumer, pipeline, VirtualClock } from '@streamweave/core';
import { kafkaSource, type KafkaClient, type KafkaConsumerHandlers, type KafkaRecord } from './index.js';

/** A consumer handle driven by the test (unit test of the source's own buffering logic). */
function fakeConsumerClient(log: string[]) {
  let handlers: KafkaConsumerHandlers | undefined;
  const client: KafkaClient = {
    brokers: ['fake:9092'],
    producer: () => Promise.reject(new Error('unused')),
    admin: () => Promise.reject(new Error('unused')),
    consumer: async (cfg) => {
      log.push(`consumer ${cfg.groupId} ${cfg.topics.join(',')}`);
      return {
        start: async (h) => void (handlers = h),
        pause: (t, p) => void log.push(`pause ${t}/${p.join(',')}`),
        resume: (t, p) => void log.push(`resume ${t}/${p.join(',')}`),
        seek: (t, p, o) => void log.push(`seek ${t}/${p}@${o}`),
        commit: async (o) => void log.push(`commit ${JSON.stringify(o)}`),
        close: async () => void log.push('close'),
      };
    },
  };
  return { client, handlers: () => handlers };
}

const rec = (partition: number, offset: number): KafkaRecord => ({
  topic: 't',
  partition,
  offset: String(offset),
  key: null,
  value: Buffer.from(`v${offset}`),
  headers: {},
  timestamp: '0',
});

const tick = () => new Promise((r) => setImmediate(r));

describe('kafkaSource backpressure and rebalance', () => {
  it('holds the fetch loop while the buffer is full, pauses the partition after 1 s, resumes at half', async () => {
    const log: string[] = [];
    const fake = fakeConsumerClient(log);
    const clock = new VirtualClock();
    let open: () => void = () => undefined;
    let gate = new Promise<void>((r) => (open = r));
    const got: string[] = [];
    const slow = defineConsumer<KafkaRecord, string[]>('slow', {}, undefined, () => ({
      item: async (value) => {
        const r = value as KafkaRecord;
        await gate;
        got.push(`${r.partition}@${r.offset}`);
      },
      complete: () => got,
    }));
    const handle = pipeline()
      .from(kafkaSource({ client: fake.client, topics: ['t'], groupId: 'g', bufferSize: 4 }))
      .to(slow)
      .start({ clock, creditWindow: 1 });
    while (!fake.handlers()) await tick();
    const h = fake.handlers()!;
    h.onAssign({ t: [0, 1] });
    let returned = false;
    void Promise.resolve(h.onRecords([0, 1, 2, 3, 4, 5].map((o) => rec(0, o)))).then(() => (returned = true));
    await tick();
    expect(returned).toBe(false);
    await clock.advanceBy(1000);
    await tick();
    expect(returned).toBe(true);
    expect(log).toEqual(['consumer g t', 'pause t/0']);
    open();
    await tick();
    await tick();
    expect(log).toEqual(['consumer g t', 'pause t/0', 'resume t/0']);

    // Rebalance: partition 1 kept, 0 revoked; records of 0 still buffered are dropped.
    gate = new Promise<void>((r) => (open = r));
    await Promise.resolve(h.onRecords([rec(1, 7), rec(1, 8)]));
    h.onAssign({ t: [1] });
    expect(log.slice(3)).toEqual(['seek t/1@9']);
    open();
    await tick();
    // A repeated fetch below the position is dropped.
    await Promise.resolve(h.onRecords([rec(1, 8), rec(1, 9)]));
    for (let i = 0; i < 5; i++) await tick();
    handle.drain();
    const { result } = await handle.result;
    expect(result).toEqual(['0@0', '0@1', '0@2', '0@3', '0@4', '0@5', '1@7', '1@8', '1@9']);
    expect(log[log.length - 1]).toBe('close');
  });

  it('clears the client-side pause of a paused partition the group revokes, so it reads again when handed back', async () => {
    const log: string[] = [];
    const fake = fakeConsumerClient(log);
    const clock = new VirtualClock();
    let open: () => void = () => undefined;
    const gate = new Promise<void>((r) => (open = r));
    const slow = defineConsumer<KafkaRecord, number>('slow', {}, undefined, () => {
      let n = 0;
      return { item: async () => void (await gate, n++), complete: () => n };
    });
    const handle = pipeline()
      .from(kafkaSource({ client: fake.client, topics: ['t'], groupId: 'g', bufferSize: 2 }))
      .to(slow)
      .start({ clock, creditWindow: 1 });
    while (!fake.handlers()) await tick();
    const h = fake.handlers()!;
    h.onAssign({ t: [0, 1] });
    const held = Promise.resolve(h.onRecords([0, 1, 2, 3].map((o) => rec(0, o))));
    await tick();
    await clock.advanceBy(1000);
    await held;
    expect(log).toEqual(['consumer g t', 'pause t/0']);
    // Partition 0 moves to another member while paused here: its pause is lifted in the client
    // (kafkajs would otherwise keep it paused across rebalances), and it is not paused again.
    h.onAssign({ t: [1] });
    expect(log.slice(2)).toEqual(['resume t/0']);
    h.onAssign({ t: [0, 1] });
    expect(log.slice(3)).toEqual([]);
    open();
    handle.drain();
    await handle.result;
  });

  it('reports the next offset of every partition at barriers and at the end, with records of several partitions interleaved', async () => {
    const fake = fakeConsumerClient([]);
    const got: string[] = [];
    const positions: unknown[] = [];
    const sink = defineConsumer<KafkaRecord, string[]>('sink', {}, undefined, () => ({
      item: (value) => void got.push(`${(value as KafkaRecord).partition}@${(value as KafkaRecord).offset}`),
      complete: () => got,
    }));
    const handle = pipeline()
      .from(kafkaSource({ client: fake.client, topics: ['t'], groupId: 'g' }))
      .to(sink)
      .start({
        checkpoints: {
          onSourceBarrier: (_id, _b, p) => void positions.push(p),
          onSourceEnd: (_id, p) => void positions.push(p),
        },
      });
    while (!fake.handlers()) await tick();
    const h = fake.handlers()!;
    h.onAssign({ t: [0, 1, 2] });
    await h.onRecords([rec(0, 0), rec(0, 1)]);
    await h.onRecords([rec(1, 10), rec(1, 11), rec(1, 12)]);
    for (let i = 0; i < 3; i++) await tick();
    handle.injectBarrier(checkpointBarrier(1, 0));
    await h.onRecords([rec(0, 2)]);
    // A fetch that overlaps what was taken (it raced a seek): only the new record is kept.
    await h.onRecords([rec(1, 11), rec(1, 12), rec(1, 13)]);
    await h.onRecords([rec(2, 5)]);
    for (let i = 0; i < 3; i++) await tick();
    handle.injectBarrier(checkpointBarrier(2, 0));
    handle.drain();
    const { result } = await handle.result;
    expect(result).toEqual(['0@0', '0@1', '1@10', '1@11', '1@12', '0@2', '1@13', '2@5']);
    expect(positions).toEqual([
      { t: { '0': '2', '1': '13' } },
      { t: { '0': '3', '1': '14', '2': '6' } },
      { t: { '0': '3', '1': '14', '2': '6' } },
    ]);
  });

  it('fails the run when the consumer crashes for good, naming the group and brokers', async () => {
    const fake = fakeConsumerClient([]);
    const handle = pipeline()
      .from(kafkaSource({ client: fake.client, topics: ['t'], groupId: 'g' }))
      .to(defineConsumer('sink', {}, undefined, () => ({ item: () => undefined, complete: () => null })))
      .start();
    while (!fake.handlers()) await tick();
    fake.handlers()!.onCrash(new Error('retriable'), true);
    fake.handlers()!.onCrash(new Error('coordinator not available'), false);
    await expect(handle.result).rejects.toThrow('kafkaSource: consumer of group "g" crashed (brokers fake:9092): coordinator not available');
  });
});
