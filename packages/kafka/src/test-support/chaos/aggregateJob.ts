/**
 * The job the keyed-state SIGKILL chaos test starts (and kills) as a child process:
 * Kafka → running total per key (keyed state) → kafkaTransactionalSink, under a
 * CheckpointCoordinator (checkpoints every 30 ms, durable file backend and local checkpoint
 * storage in CHAOS_WORK), restored from the latest checkpoint at every start. Input records
 * are `<key>:<amount>`; each one emits `<key>` → `<count>,<total>` (that key's record count
 * and running total so far), so the driver can check every key's sequence of totals. It
 * drains once every partition's end offset (taken at start) was reached (by the restored
 * position, else the group's committed offset) and prints `DONE <restoredFrom>`; it prints
 * `READY` at its first record.
 *
 * Env: CHAOS_BROKERS, CHAOS_INPUT, CHAOS_OUTPUT, CHAOS_GROUP, CHAOS_TXN_ID, CHAOS_WORK,
 * CHAOS_RATE (records/s; 0 = unlimited).
 */
import { map, pipeline, rateLimit, type Transformer } from '@streamweave/core';
import { CheckpointCoordinator, keyedProcess, valueState } from '@streamweave/state';
import { localCheckpointStorage } from '@streamweave/state/node';
import { kafkajsClient, kafkaSource, kafkaTransactionalSink, type KafkaRecord } from '../../index.js';
import { fileBackend } from './fileBackend.js';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`chaos aggregate job: ${name} is not set`);
  return v;
};
const input = env('CHAOS_INPUT');
const groupId = env('CHAOS_GROUP');
const work = env('CHAOS_WORK');
const rate = Number(process.env.CHAOS_RATE ?? 2000);
const client = kafkajsClient({ brokers: env('CHAOS_BROKERS').split(','), retries: 10 });
const coordinator = new CheckpointCoordinator({
  backend: fileBackend(`${work}/state`),
  storage: localCheckpointStorage(`${work}/checkpoints`),
  intervalMs: 30,
  retained: 2,
});

const admin = await client.admin();
const ends = await admin.endOffsets(input);
const committed = await admin.groupOffsets(groupId, input);
await admin.close();
// Where this run starts: the restored checkpoint's position, else the group's committed offsets.
const restored = (await coordinator.latest())?.meta.positions['in'] as Record<string, Record<string, string>> | undefined;
const startAt = (p: string) => Number(restored ? (restored[input]?.[p] ?? 0) : (committed[p] ?? -1));
const remaining = new Set(Object.keys(ends).filter((p) => Number(ends[p]) > 0 && startAt(p) < Number(ends[p])));

const source = kafkaSource({ client, topics: [input], groupId, sessionTimeoutMs: 6000, name: 'in' });
const state = { total: valueState<number>({ defaultValue: 0 }), count: valueState<number>({ defaultValue: 0 }) };
let ready = false;
const throttle: Transformer<KafkaRecord, KafkaRecord> = rate > 0 ? rateLimit<KafkaRecord>({ perSecond: rate, burst: 32 }) : map((r: KafkaRecord) => r);
let handle: { drain(): void } | undefined;
let drain = false;
const job = pipeline()
  .from(source)
  .pipe(throttle)
  .pipe(
    map(
      (r: KafkaRecord) => {
        if (!ready) {
          ready = true;
          process.stdout.write('READY\n');
        }
        if (Number(r.offset) + 1 >= Number(ends[String(r.partition)])) {
          remaining.delete(String(r.partition));
          if (remaining.size === 0) setImmediate(() => (handle ? handle.drain() : (drain = true)));
        }
        return { key: String(r.key), amount: Number(String(r.value)) };
      },
      { name: 'parse' },
    ),
  )
  .pipe(
    keyedProcess<{ key: string; amount: number }, { key: string; value: string }, string, typeof state>(
      {
        keyBy: (r) => r.key,
        state,
        processElement({ key, amount }, ctx) {
          const total = ctx.state.total.value()! + amount;
          const count = ctx.state.count.value()! + 1;
          ctx.state.total.update(total);
          ctx.state.count.update(count);
          ctx.emit({ key, value: `${count},${total}` });
        },
      },
      { name: 'runningTotal' },
    ),
  )
  .to(kafkaTransactionalSink({ client, topic: env('CHAOS_OUTPUT'), source, transactionalId: env('CHAOS_TXN_ID'), batchSize: 50, name: 'out' }));
const result = await coordinator.run({
  start: (o) => {
    const h = job.start({ ...o, creditWindow: 32 });
    handle = h;
    if (drain || remaining.size === 0) setImmediate(() => h.drain());
    return h;
  },
  describe: () => job.describe(),
});
process.stdout.write(`DONE ${result.restoredFrom ?? 0}\n`);
process.exit(0);
