/**
 * The job the SIGKILL chaos test starts (and kills) as a child process:
 * Kafka → rate limit → collect record ids per key and checkpoint epoch → Kafka, with one
 * transaction per epoch (barriers every 20 ms, batches of 5, so a kill usually lands inside
 * an open transaction). Each output record is `<key>:<id>,<id>,…` — the ids of the input
 * records of that key the epoch consumed — so the driver can tell exactly which records were
 * lost or duplicated. It drains once every partition's end offset (taken at start) was
 * reached and prints `DONE <records> <transactions>`; it prints `READY` at its first record.
 *
 * Env: CHAOS_BROKERS, CHAOS_INPUT, CHAOS_OUTPUT, CHAOS_GROUP, CHAOS_TXN_ID,
 * CHAOS_RATE (records/s; 0 = unlimited), CHAOS_TIMINGS=1 (prints start-up timings).
 */
import { checkpointBarrier, defineTransformer, isCheckpointBarrier, isEndOfStream, map, pipeline, rateLimit, type Transformer } from '@streamweave/core';
import { kafkajsClient, kafkaSource, kafkaTransactionalSink, type KafkaClient, type KafkaRecord } from '../../index.js';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`chaos job: ${name} is not set`);
  return v;
};
const t0 = performance.now();
const timings = process.env.CHAOS_TIMINGS === '1';
const mark = (what: string) => timings && process.stdout.write(`TIMING ${what} ${(performance.now() - t0).toFixed(0)}\n`);
const input = env('CHAOS_INPUT');
const groupId = env('CHAOS_GROUP');
const rate = Number(process.env.CHAOS_RATE ?? 2000);
const base = kafkajsClient({ brokers: env('CHAOS_BROKERS').split(','), retries: 10 });
let commits = 0;
/** The client, with start-up timings marked when CHAOS_TIMINGS=1. */
const client: KafkaClient = !timings
  ? base
  : {
      ...base,
      admin: () => base.admin(),
      consumer: (c) => base.consumer(c),
      async producer(c) {
        const p = await base.producer(c);
        mark('producer');
        return {
          ...p,
          async transaction() {
            const t = await p.transaction();
            const n = ++commits;
            const timed = <A extends unknown[]>(what: string, f: (...a: A) => Promise<void>) => async (...a: A) => {
              const s = performance.now();
              await f(...a);
              if (n <= 4) mark(`txn${n}-${what}(${(performance.now() - s).toFixed(0)}ms)`);
            };
            return { send: timed('send', t.send), sendOffsets: timed('offsets', t.sendOffsets), commit: timed('commit', t.commit), abort: t.abort };
          },
        };
      },
    };
const source = kafkaSource({ client, topics: [input], groupId, sessionTimeoutMs: 6000 });
const admin = await client.admin();
const ends = await admin.endOffsets(input);
const committed = await admin.groupOffsets(groupId, input);
await admin.close();
mark('admin');
// Partitions whose committed offset is short of the end still have work for this attempt.
const remaining = new Set(Object.keys(ends).filter((p) => Number(ends[p]) > 0 && Number(committed[p] ?? -1) < Number(ends[p])));

/** Collects record ids per key; a barrier (or the end) closes the epoch and emits one record per key. */
const epochIds = defineTransformer<{ key: string; id: string }, { key: string; value: string }>('epochIds', {}, undefined, (out) => {
  const ids = new Map<string, string[]>();
  return {
    item({ key, id }) {
      let list = ids.get(key);
      if (!list) ids.set(key, (list = []));
      list.push(id);
    },
    signal(s) {
      if (isCheckpointBarrier(s) || isEndOfStream(s)) {
        for (const [key, list] of ids) out.next({ key, value: `${key}:${list.join(',')}` });
        ids.clear();
      }
      out.next(s);
    },
  };
});

let ready = false;
const throttle: Transformer<KafkaRecord, KafkaRecord> = rate > 0 ? rateLimit<KafkaRecord>({ perSecond: rate, burst: 32 }) : map((r: KafkaRecord) => r);
const handle = pipeline()
  .from(source)
  .pipe(throttle)
  .pipe(
    map((r: KafkaRecord) => {
      if (!ready) {
        ready = true;
        mark('first-record');
        process.stdout.write('READY\n');
      }
      if (Number(r.offset) + 1 >= Number(ends[String(r.partition)])) {
        remaining.delete(String(r.partition));
        if (remaining.size === 0) setImmediate(() => handle.drain());
      }
      return { key: String(r.key), id: String(r.value) };
    }),
  )
  .pipe(epochIds)
  .to(kafkaTransactionalSink({ client, topic: env('CHAOS_OUTPUT'), source, transactionalId: env('CHAOS_TXN_ID'), batchSize: 5, transactionTimeoutMs: 10_000 }))
  // A small credit window keeps few records queued in the rate limiter ahead of a barrier, so an
  // epoch spans ~20 ms (with the default 1024 a barrier waited ~0.5 s behind the queue).
  .start({ creditWindow: 32 });
if (remaining.size === 0) handle.drain();
let id = 0;
const barriers = setInterval(() => handle.injectBarrier(checkpointBarrier(++id, Date.now())), 20);
const { result } = await handle.result;
clearInterval(barriers);
const r = result as { records: number; transactions: number };
process.stdout.write(`DONE ${r.records} ${r.transactions}\n`);
process.exit(0);
