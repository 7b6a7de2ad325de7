/**
 * Dead letters and offset commits against the real broker: a checkpoint (and the source's
 * offset commit that follows it) must not complete before the dead letters routed ahead of its
 * barrier are acknowledged, and a dead letter that cannot be written fails the run rather than
 * being lost behind a committed offset.
 */
import { map, onError, pipeline, collect, StreamWeaveError } from '@streamweave/core';
import { CheckpointCoordinator } from '@streamweave/state';
import { createTopic, deleteTopic, type KafkaClient, kafkaDeadLetter, kafkajsClient, kafkaSource, type KafkaRecord } from './index.js';
import { brokers, createTopicWithConfig, kafkaUp, kcatConsume, kcatProduce, unique, until } from './test-support/services.js';

const up = kafkaUp();
const describeKafka = up ? describe : describe.skip;
const client = kafkajsClient({ brokers, retries: 8 });
const created: string[] = [];
const text = (r: KafkaRecord) => String(r.value);
const parse = (r: KafkaRecord) => JSON.parse(text(r)) as unknown;

async function groupOffsets(groupId: string, t: string) {
  const admin = await client.admin();
  try {
    return await admin.groupOffsets(groupId, t);
  } finally {
    await admin.close();
  }
}

/** `client` whose producers wait `ms` before each send: a slow dead-letter topic (the write still goes to the broker). */
function slowProducers(ms: number): KafkaClient {
  return {
    ...client,
    admin: () => client.admin(),
    consumer: (c) => client.consumer(c),
    async producer(c) {
      const p = await client.producer(c);
      return {
        send: async (records, compression) => {
          await new Promise((r) => setTimeout(r, ms));
          await p.send(records, compression);
        },
        transaction: () => p.transaction(),
        close: () => p.close(),
      };
    },
  };
}

afterAll(async () => {
  if (!up) return;
  for (const t of created) await deleteTopic(client, t).catch(() => undefined);
});

describeKafka('kafkaDeadLetter and checkpoints (real broker)', () => {
  jest.setTimeout(60_000);

  it('completes a checkpoint, and commits the offset past a dead-lettered record, only once the dead letter is acknowledged', async () => {
    const input = unique('dlqck-in');
    const dlq = unique('dlqck');
    created.push(input, dlq);
    await createTopic(client, input);
    await createTopic(client, dlq);
    kcatProduce(input, ['{"n":1}', 'not json', '{"n":3}']);
    const groupId = unique('g');
    const source = kafkaSource({ client, topics: [input], groupId, decode: parse, name: 'src' });
    /** Dead letters readable in the topic when each checkpoint completed, and the offsets committed then. */
    const atComplete: Array<{ letters: string[]; committed: Record<string, string> }> = [];
    const coordinator = new CheckpointCoordinator({
      onCheckpointComplete: (meta) => {
        const letters = kcatConsume(dlq, '%s\\n', false);
        void source.commitCheckpoint(meta.positions['src']).then(async () => atComplete.push({ letters, committed: await groupOffsets(groupId, input) }));
      },
    });
    const got: unknown[] = [];
    const inner = pipeline()
      .from(source)
      .pipe(map((x: unknown) => (got.push(x), x)))
      .to(collect());
    let handle: { drain(): void } | undefined;
    const running = coordinator.run(
      { start: (o) => (handle = inner.start(o)), describe: () => inner.describe() },
      // Each dead letter takes 1.5 s to be written: without the route in the checkpoint, the
      // checkpoint below would complete (and commit offset 3) before it exists.
      { runOptions: { errors: onError.deadLetter(), deadLetter: kafkaDeadLetter(dlq, { client: slowProducers(1500) }) } },
    );
    await until(() => got.length === 2, 30_000, 'the two good records');
    const started = Date.now();
    const meta = await coordinator.triggerCheckpoint();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(meta.positions['src']).toEqual({ [input]: { '0': '3' } });
    await until(() => atComplete.length === 1, 10_000, 'the commit');
    expect(atComplete[0]).toEqual({ letters: ['not json'], committed: { '0': '3' } });
    handle!.drain();
    const { deadLetter } = await running;
    expect(got).toEqual([{ n: 1 }, { n: 3 }]);
    expect(deadLetter).toEqual({ records: 1 });
  });

  it('fails the run when a dead letter cannot be written, and commits no offset past it', async () => {
    const input = unique('dlqfail-in');
    const dlq = unique('dlqfail');
    created.push(input, dlq);
    await createTopic(client, input);
    // The dead-letter topic refuses any record over 256 bytes (MESSAGE_TOO_LARGE, not retriable).
    createTopicWithConfig(dlq, ['max.message.bytes=256']);
    const big = 'x'.repeat(2000);
    kcatProduce(input, [big, '{"n":2}', '{"n":3}']);
    const groupId = unique('g');
    const source = kafkaSource({ client, topics: [input], groupId, decode: parse, name: 'src' });
    const completed: unknown[] = [];
    const coordinator = new CheckpointCoordinator({
      // Checkpoints keep coming while the run goes: none may cover the lost record.
      intervalMs: 20,
      onCheckpointComplete: (meta) => {
        completed.push(meta.positions['src']);
        void source.commitCheckpoint(meta.positions['src']);
      },
    });
    const got: unknown[] = [];
    const inner = pipeline()
      .from(source)
      .pipe(map((x: unknown) => (got.push(x), x)))
      .to(collect());
    const error = await coordinator
      .run(
        { start: (o) => inner.start(o), describe: () => inner.describe() },
        { runOptions: { errors: onError.deadLetter(), deadLetter: kafkaDeadLetter(dlq, { client }) } },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamWeaveError);
    const e = error as StreamWeaveError;
    expect(e.component).toEqual({ id: '$deadLetter', type: 'kafkaDeadLetter' });
    expect(e.position).toBe(0);
    expect(e.message).toContain(`kafkaDeadLetter: writing the dead letter of kafkaSource:src at position 0 (record ${input}/0@0) to topic ${dlq} failed`);
    expect(e.message).toMatch(/too large|larger than/i);
    // No checkpoint got past the record: one taken before the source read it covers offset 0 at most.
    const covered = completed.map((p) => (p as Record<string, Record<string, string>>)[input]?.['0'] ?? 'nothing');
    expect(covered.filter((o) => o !== 'nothing' && o !== '0')).toEqual([]);
    const committed = await groupOffsets(groupId, input);
    expect(['-1', '0']).toContain(committed['0']);
    expect(kcatConsume(dlq, '%s\\n', false)).toEqual([]);
  });
});
