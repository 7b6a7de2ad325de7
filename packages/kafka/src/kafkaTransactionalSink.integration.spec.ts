/**
 * kafkaTransactionalSink's two-phase commit under a CheckpointCoordinator, against the real
 * broker: output becomes visible (read_committed) only once its checkpoint completed, and a
 * restore commits a pre-committed epoch exactly once, whether or not the crashed run got to it.
 */
import { isDeepStrictEqual } from 'node:util';
import { map, pipeline, type RunHandle, type RunOptions } from '@streamweave/core';
import { CheckpointCoordinator, memoryBackend, memoryCheckpointStorage, type StateBackend, type CheckpointStorage } from '@streamweave/state';
import { createTopic, deleteTopic, kafkajsClient, kafkaSource, kafkaTransactionalSink, type KafkaRecord } from './index.js';
import { brokers, kafkaUp, kcatConsume, kcatProduce, unique, until } from './test-support/services.js';

const up = kafkaUp();
const describeKafka = up ? describe : describe.skip;
const client = kafkajsClient({ brokers, retries: 8 });
const created: string[] = [];

afterAll(async () => {
  if (!up) return;
  for (const t of created) await deleteTopic(client, t).catch(() => undefined);
});

async function groupOffsets(groupId: string, topic: string): Promise<Readonly<Record<string, string>>> {
  const admin = await client.admin();
  try {
    return await admin.groupOffsets(groupId, topic);
  } finally {
    await admin.close();
  }
}

const offsetSum = async (groupId: string, topic: string) => Object.values(await groupOffsets(groupId, topic)).reduce((n, o) => n + Math.max(0, Number(o)), 0);

/**
 * Polls `read` until it returns `expected`, then asserts it. A transaction's commit returns once
 * the coordinator logged it; its markers reach the partitions (read_committed readers) and the
 * group's offsets a few ms later.
 */
async function eventually<T>(read: () => T | Promise<T>, expected: T, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  let last = await read();
  while (!isDeepStrictEqual(last, expected) && Date.now() - t0 < ms) {
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  expect(last).toEqual(expected);
}

/** A job of the test: Kafka → upper case → kafkaTransactionalSink, on durable-for-the-test backend and storage. */
function setup(prefix: string) {
  const names = { input: unique(`${prefix}-in`), output: unique(`${prefix}-out`), groupId: unique(`${prefix}-g`), transactionalId: unique(`${prefix}-txn`) };
  const backend: StateBackend = memoryBackend();
  const storage: CheckpointStorage = memoryCheckpointStorage();
  /** One run of the job (a process, as far as the test is concerned): its coordinator, handle and consumed records. */
  const start = (onCheckpointComplete?: (run: { handle: RunHandle<unknown> }) => void) => {
    const seen: string[] = [];
    const run: { handle: RunHandle<unknown> } = { handle: undefined as never };
    const source = kafkaSource({ client, topics: [names.input], groupId: names.groupId, decode: (r: KafkaRecord) => String(r.value), name: 'in' });
    const job = pipeline()
      .from(source)
      .pipe(map((s: string) => (seen.push(s), s.toUpperCase()), { name: 'upper' }))
      .to(kafkaTransactionalSink({ client, topic: names.output, source, transactionalId: names.transactionalId, name: 'out' }));
    const coordinator = new CheckpointCoordinator({ backend, storage, onCheckpointComplete: () => onCheckpointComplete?.(run) });
    const result = coordinator.run({ start: (o?: RunOptions) => (run.handle = job.start(o) as RunHandle<unknown>), describe: () => job.describe() });
    return { coordinator, run, seen, result };
  };
  return { names, start };
}

describeKafka('kafkaTransactionalSink two-phase commit (real broker)', () => {
  jest.setTimeout(60_000);

  it('keeps an epoch invisible to read_committed readers until its checkpoint completes, then commits records and offsets together', async () => {
    const { names, start } = setup('tpc-visible');
    for (const t of [names.input, names.output]) {
      await createTopic(client, t, 2);
      created.push(t);
    }
    kcatProduce(names.input, ['a', 'b', 'c', 'd']);
    const job = start();
    await until(() => job.seen.length === 4, 30_000, 'the 4 input records');
    // Consumed and held by the sink: nothing written, not even uncommitted, and no offsets committed.
    await new Promise((r) => setTimeout(r, 300));
    expect(kcatConsume(names.output, '%s\\n', true)).toEqual([]);
    expect(kcatConsume(names.output, '%s\\n', false)).toEqual([]);
    expect(Object.values(await groupOffsets(names.groupId, names.input))).toEqual(['-1', '-1']);

    // triggerCheckpoint resolves after the coordinator notified the sink, whose commit it awaits.
    await job.coordinator.triggerCheckpoint();
    await eventually(() => kcatConsume(names.output).sort(), ['A', 'B', 'C', 'D']);
    await eventually(() => offsetSum(names.groupId, names.input), 4);

    // A later record stays invisible until the final checkpoint (after the drain) commits it.
    kcatProduce(names.input, ['e']);
    await until(() => job.seen.length === 5, 30_000, 'record e');
    await new Promise((r) => setTimeout(r, 300));
    expect(kcatConsume(names.output).sort()).toEqual(['A', 'B', 'C', 'D']);
    job.run.handle.drain();
    const done = await job.result;
    expect(done.completedCheckpoints).toHaveLength(2);
    await eventually(() => kcatConsume(names.output).sort(), ['A', 'B', 'C', 'D', 'E']);
    await eventually(() => offsetSum(names.groupId, names.input), 5);
  });

  it('commits a pre-committed epoch exactly once after a crash between checkpoint completion and the commit', async () => {
    const { names, start } = setup('tpc-crash');
    for (const t of [names.input, names.output]) {
      await createTopic(client, t, 2);
      created.push(t);
    }
    const input = Array.from({ length: 50 }, (_, i) => `r${i}`);
    kcatProduce(names.input, input);
    // The checkpoint is durable; the run dies before the coordinator notifies the sink.
    const first = start((run) => run.handle.cancel());
    await until(() => first.seen.length === 50, 30_000, 'the 50 input records');
    await first.coordinator.triggerCheckpoint();
    await expect(first.result).rejects.toThrow();
    expect(kcatConsume(names.output, '%s\\n', false)).toEqual([]);
    expect(Object.values(await groupOffsets(names.groupId, names.input))).toEqual(['-1', '-1']);

    // The restarted job restores the checkpoint: its sink commits the epoch, its source resumes after it.
    kcatProduce(names.input, ['late']);
    const second = start();
    await until(() => second.seen.length === 1, 30_000, 'the record after the checkpoint');
    expect(second.seen).toEqual(['late']);
    // The restored epoch commits at the sink's start-up; 'late' waits for a checkpoint.
    await until(() => kcatConsume(names.output).length >= 50, 30_000, 'the restored epoch');
    expect(kcatConsume(names.output).sort()).toEqual(input.map((s) => s.toUpperCase()).sort());
    second.run.handle.drain();
    const done = await second.result;
    expect(done.restoredFrom).toBe(1);
    await eventually(() => offsetSum(names.groupId, names.input), 51);
    await eventually(() => kcatConsume(names.output).sort(), [...input, 'late'].map((s) => s.toUpperCase()).sort());
  });

  it('does not commit a restored epoch again when the crashed run had committed it', async () => {
    const { names, start } = setup('tpc-again');
    for (const t of [names.input, names.output]) {
      await createTopic(client, t, 2);
      created.push(t);
    }
    const input = Array.from({ length: 30 }, (_, i) => `x${i}`);
    kcatProduce(names.input, input);
    const first = start();
    await until(() => first.seen.length === 30, 30_000, 'the 30 input records');
    // Committed (the checkpoint's snapshot still lists the epoch as pre-committed), then the process dies.
    await first.coordinator.triggerCheckpoint();
    await eventually(() => kcatConsume(names.output).length, 30);
    first.run.handle.cancel();
    await expect(first.result).rejects.toThrow();

    const second = start();
    await until(() => second.run.handle !== undefined, 5_000, 'the second run');
    // The restore's start-up (fencing, marker, restored epochs) runs before the first element; give it time to (not) commit.
    await new Promise((r) => setTimeout(r, 1500));
    second.run.handle.drain();
    const done = await second.result;
    expect(done.restoredFrom).toBe(1);
    // The second run's only transaction (its end epoch: offsets, no records) is the 2nd epoch of the commit marker.
    await eventually(async () => (await groupOffsets(`streamweave.commits.${names.transactionalId}`, names.output))['0'], '2');
    const out = kcatConsume(names.output);
    expect(out.sort()).toEqual(input.map((s) => s.toUpperCase()).sort());
    // Nothing was written twice, not even in an aborted transaction.
    expect(kcatConsume(names.output, '%s\\n', false)).toHaveLength(30);
  });
});
