import { randomUUID } from 'node:crypto';
import type { KafkaClient, KafkaRecord } from './kafkaClient.js';

/** Options of {@link readAllMessages}. */
export interface ReadAllOptions {
  /** Give up waiting for the end offsets after this many ms (default 15 000). */
  readonly timeoutMs?: number;
  /** read_committed (default true): records of aborted or open transactions are not returned. */
  readonly readCommitted?: boolean;
  /** Once assigned, stop after this many quiet ms (default 1000): transaction markers are never delivered. */
  readonly idleMs?: number;
}

/**
 * Creates a topic (waits for partition leaders). For tests, examples and tooling.
 *
 * @example
 * ```ts
 * await createTopic(client, `orders-${randomUUID()}`, 3);
 * ```
 * @see {@link deleteTopic}, {@link readAllMessages}
 */
export async function createTopic(client: KafkaClient, topic: string, partitions = 1): Promise<void> {
  const admin = await client.admin();
  try {
    await admin.createTopic(topic, partitions);
  } finally {
    await admin.close();
  }
}

/**
 * Deletes a topic. For tests, examples and tooling.
 *
 * @example
 * ```ts
 * await deleteTopic(client, 'orders-test');
 * ```
 * @see {@link createTopic}
 */
export async function deleteTopic(client: KafkaClient, topic: string): Promise<void> {
  const admin = await client.admin();
  try {
    await admin.deleteTopic(topic);
  } finally {
    await admin.close();
  }
}

/**
 * Reads every record of a topic up to its current end (a throwaway consumer group),
 * sorted by partition then offset. It stops when every partition reached its end offset,
 * or after `idleMs` without records (a transactional topic ends in commit markers).
 *
 * @example
 * ```ts
 * const records = await readAllMessages(client, 'orders');
 * console.log(records.map((r) => String(r.value)));
 * ```
 * @see {@link createTopic}
 */
export async function readAllMessages(client: KafkaClient, topic: string, options: ReadAllOptions = {}): Promise<KafkaRecord[]> {
  const admin = await client.admin();
  let ends: Readonly<Record<string, string>>;
  try {
    ends = await admin.endOffsets(topic);
  } finally {
    await admin.close();
  }
  const remaining = new Map(Object.entries(ends).filter(([, end]) => end !== '0'));
  const out: KafkaRecord[] = [];
  if (remaining.size === 0) return out;
  const consumer = await client.consumer({
    groupId: `streamweave-read-${randomUUID()}`,
    topics: [topic],
    fromBeginning: true,
    readCommitted: options.readCommitted ?? true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const idleMs = options.idleMs ?? 1000;
      let lastActivity = 0;
      const finish = () => {
        clearTimeout(timer);
        clearInterval(idle);
        resolve();
      };
      const timer = setTimeout(finish, options.timeoutMs ?? 15_000);
      // Transaction markers occupy the last offsets but are never delivered: once assigned,
      // a partition that stays quiet for idleMs is at its end.
      const idle = setInterval(() => {
        if (lastActivity > 0 && Date.now() - lastActivity >= idleMs) finish();
      }, 100);
      void consumer
        .start({
          onRecords(records) {
            lastActivity = Date.now();
            for (const r of records) {
              out.push(r);
              const end = remaining.get(String(r.partition));
              if (end !== undefined && Number(r.offset) + 1 >= Number(end)) remaining.delete(String(r.partition));
            }
            if (remaining.size === 0) finish();
          },
          onAssign() {
            lastActivity = Date.now();
          },
          onCrash(e, willRestart) {
            if (!willRestart) {
              clearTimeout(timer);
              clearInterval(idle);
              reject(e);
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.close();
  }
  return out.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}
