/**
 * The job the SIGKILL chaos test starts (and kills) as a child process:
 * Kafka → map → count per key and epoch → Kafka with a transaction per checkpoint epoch
 * (barriers every 20 ms,
 * small batches, so a kill lands inside an open transaction). It drains once every
 * partition's end offset (taken at start) was reached, and prints `done <records> <transactions>`.
 *
 *   node --conditions=@streamweave/source --import tsx chaosJob.ts <brokers> <input> <output> <group> <transactionalId>
 */
import { checkpointBarrier, defineTransformer, isCheckpointBarrier, isEndOfStream, map, pipeline } from '@streamweave/core';
import { kafkajsClient, kafkaSource, kafkaTransactionalSink, type KafkaRecord } from '../index.js';

const [brokers, input, output, groupId, transactionalId] = process.argv.slice(2) as [string, string, string, string, string];
const client = kafkajsClient({ brokers: brokers.split(','), retries: 10 });
const source = kafkaSource({ client, topics: [input], groupId, sessionTimeoutMs: 6000 });
const admin = await client.admin();
const ends = await admin.endOffsets(input);
const committed = await admin.groupOffsets(groupId, input);
await admin.close();
// Partitions whose committed offset is short of the end still have work for this attempt.
const remaining = new Set(Object.keys(ends).filter((p) => Number(ends[p]) > 0 && Number(committed[p] ?? -1) < Number(ends[p])));
/** Counts per key; emits `key=count` records when a barrier (or the end) closes the epoch. */
const epochCount = defineTransformer<string, { key: string; value: string }>('epochCount', {}, undefined, (out) => {
  const counts = new Map<string, number>();
  return {
    item: (k) => void counts.set(k, (counts.get(k) ?? 0) + 1),
    signal(s) {
      if (isCheckpointBarrier(s) || isEndOfStream(s)) {
        for (const [key, c] of counts) out.next({ key, value: `${key}=${c}` });
        counts.clear();
      }
      out.next(s);
    },
  };
});
let started = false;
const handle = pipeline()
  .from(source)
  .pipe(
    map((r: KafkaRecord) => {
      // ~300 µs of work per record (~6 s in all), so the run lasts long enough to be killed mid-stream.
      for (const t = performance.now(); performance.now() - t < 0.3; );
      if (!started) {
        started = true;
        console.log('started');
      }
      if (Number(r.offset) + 1 >= Number(ends[String(r.partition)])) {
        remaining.delete(String(r.partition));
        if (remaining.size === 0) setImmediate(() => handle.drain());
      }
      return String(r.key);
    }),
  )
  .pipe(epochCount)
  .to(kafkaTransactionalSink({ client, topic: output, source, transactionalId, batchSize: 5 }))
  .start();
if (remaining.size === 0) handle.drain();
let id = 0;
const barriers = setInterval(() => handle.injectBarrier(checkpointBarrier(++id, Date.now())), 20);
const { result } = await handle.result;
clearInterval(barriers);
const r = result as { records: number; transactions: number };
console.log(`done ${r.records} ${r.transactions}`);
process.exit(0);
