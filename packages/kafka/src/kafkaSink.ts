import {
  type Consumer,
  type CreditHold,
  defineConsumer,
  InvalidArgumentError,
  isCheckpointBarrier,
  type NodeOptions,
  Serial,
  StreamWeaveError,
} from '@streamweave/core';
import type { KafkaClient, KafkaCompression, KafkaOutgoing, KafkaProducerHandle } from './kafkaClient.js';
import { connectError } from './internal/connectErrors.js';
import { stateRuntimeOf } from './internal/stateHook.js';
import { defaultToRecord, type KafkaOutgoingRecord } from './internal/toOutgoing.js';

/** Options of {@link kafkaSink}. */
export interface KafkaSinkOptions<T> extends NodeOptions {
  /** Kafka client the producer is created from. */
  readonly client: KafkaClient;
  /** Default topic of every record (a record's own `topic` wins). */
  readonly topic: string;
  /** Item → record (default: strings/Buffers are values, `{ key, value, headers }` objects are records, the rest JSON). */
  readonly toRecord?: (item: T) => KafkaOutgoingRecord;
  /** Records per produce request (default 500). */
  readonly batchSize?: number;
  /**
   * Longest a record waits in a batch that is not full, in ms on the run's clock (default 5, like
   * Kafka's `linger.ms`): a slow stream is sent promptly, and a batch larger than the run's credit
   * window (records hold credit until acknowledged) still goes out.
   */
  readonly lingerMs?: number;
  /** Compression of each batch (default `'gzip'`). */
  readonly compression?: KafkaCompression;
  /** Idempotent producer (default true): broker-side deduplication of retried batches. */
  readonly idempotent?: boolean;
}

/** What {@link kafkaSink} resolves to. */
export interface KafkaSinkResult {
  /** Records acknowledged by the brokers (acks=all). */
  readonly records: number;
  /** Produce requests sent. */
  readonly batches: number;
}

/**
 * Writes items to Kafka in batches with the idempotent producer (acks=all), gzip by
 * default, partitioned by key (murmur2, as the Java client). A checkpoint barrier
 * flushes the open batch: under a `CheckpointCoordinator` the checkpoint completes only
 * once everything before the barrier is acknowledged, which gives at-least-once output
 * with the source committing offsets on checkpoint completion.
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(orders)).to(
 *   kafkaSink({ client, topic: 'orders', toRecord: (o) => ({ key: o.customer, value: JSON.stringify(o) }) }),
 * ).run();
 * ```
 * @see {@link kafkaSource}, {@link kafkaTransactionalSink}
 */
export function kafkaSink<T>(options: KafkaSinkOptions<T>): Consumer<T, KafkaSinkResult> {
  validateSink('kafkaSink', options);
  const batchSize = options.batchSize ?? 500;
  const lingerMs = options.lingerMs ?? 5;
  if (!(typeof lingerMs === 'number' && lingerMs >= 0 && Number.isFinite(lingerMs))) {
    throw new InvalidArgumentError(`kafkaSink: \`lingerMs\` must be a non-negative number of ms, got ${String(lingerMs)}`);
  }
  const compression = options.compression ?? 'gzip';
  const userToRecord = options.toRecord;
  const topic = options.topic;
  // One object per record on the default path (defaultToRecord sets the topic itself).
  const toOutgoing = (item: T): KafkaOutgoing => {
    if (!userToRecord) return defaultToRecord(item, topic) as KafkaOutgoing;
    const r = userToRecord(item);
    return r.topic === undefined ? { ...r, topic } : (r as KafkaOutgoing);
  };
  return defineConsumer<T, KafkaSinkResult>(
    'kafkaSink',
    { topic: options.topic, batchSize, lingerMs, compression, idempotent: options.idempotent ?? true },
    options,
    (ctx) => {
      const serial = new Serial();
      let producer: Promise<KafkaProducerHandle> | undefined;
      let batch: KafkaOutgoing[] = [];
      /** One credit per record of the open batch, returned when the broker acknowledges it. */
      let holds: CreditHold[] = [];
      let records = 0;
      let batches = 0;
      const connect = () =>
        (producer ??= options.client.producer({ idempotent: options.idempotent ?? true }).catch((e: unknown) => {
          throw connectError('kafkaSink', options.client.brokers, ctx.component, e);
        }));
      let cancelLinger: (() => void) | undefined;
      const flush = (): Promise<void> => {
        cancelLinger?.();
        cancelLinger = undefined;
        if (batch.length === 0) return serial.settled();
        const out = batch;
        const held = holds;
        batch = [];
        holds = [];
        const sent = serial.add(async () => {
          const c = await connect();
          try {
            await c.send(out, compression);
          } catch (e) {
            throw new StreamWeaveError(`kafkaSink: producing ${out.length} records failed`, { component: ctx.component, cause: e });
          }
          records += out.length;
          batches++;
        });
        const release = () => {
          for (const h of held) h.release();
        };
        sent.then(release, release);
        return sent;
      };
      const closeProducer = async (): Promise<void> => {
        const p = producer;
        producer = undefined;
        try {
          await (await p)?.close();
        } catch {
          // It never connected, or closing failed: either way nothing is left to close.
        }
      };
      const runtime = stateRuntimeOf(ctx);
      runtime?.register({ id: ctx.id, type: 'kafkaSink' });
      // Connect now, while the source joins its group, rather than when the first batch is
      // full: the two handshakes overlap (a failure surfaces at the first flush).
      connect().catch(() => undefined);
      return {
        // item() stays synchronous: a pending promise would let the next barrier overtake
        // queued items. Each record holds its credit until its batch is acknowledged instead,
        // so records waiting in the sink count against the run's credit window (memory stays
        // bounded, and the source waits rather than queueing batches behind a slow broker).
        item(value) {
          if (serial.failed) throw serial.failed.error;
          batch.push(toOutgoing(value as T));
          holds.push(ctx.hold());
          if (batch.length >= batchSize) void flush().catch(() => undefined);
          else if (cancelLinger === undefined) {
            cancelLinger = ctx.clock.schedule(() => {
              cancelLinger = undefined;
              void flush().catch(() => undefined);
            }, lingerMs);
          }
        },
        signal(s) {
          if (!isCheckpointBarrier(s)) return;
          const done = flush();
          // The coordinator completes the checkpoint only after this batch is acknowledged.
          if (runtime) runtime.snapshotTaken(ctx.id, s.checkpointId, done.then(() => []));
          else done.catch(() => undefined);
        },
        async complete() {
          const done = flush();
          runtime?.snapshotTaken(ctx.id, 'end', done.then(() => []));
          await done;
          // Closed before the run resolves, so a caller that ends right after (a test, a CLI)
          // leaves no producer socket open behind it.
          await closeProducer();
          return { records, batches };
        },
        teardown() {
          cancelLinger?.();
          // After the queued steps: they may still open the producer.
          void serial
            .settled()
            .catch(() => undefined)
            .then(closeProducer);
        },
      };
    },
  );
}

/** Shared checks of the sink options. @internal */
export function validateSink(component: string, o: { client?: unknown; topic?: unknown; toRecord?: unknown; batchSize?: unknown; compression?: unknown }): void {
  if (!o || typeof o !== 'object') throw new InvalidArgumentError(`${component}: options must be an object`);
  if (!o.client || typeof (o.client as KafkaClient).producer !== 'function') throw new InvalidArgumentError(`${component}: \`client\` must be a KafkaClient`);
  if (typeof o.topic !== 'string' || o.topic === '') throw new InvalidArgumentError(`${component}: \`topic\` must be a non-empty string`);
  if (o.toRecord !== undefined && typeof o.toRecord !== 'function') throw new InvalidArgumentError(`${component}: \`toRecord\` must be a function`);
  if (o.batchSize !== undefined && (!Number.isInteger(o.batchSize) || (o.batchSize as number) < 1)) {
    throw new InvalidArgumentError(`${component}: \`batchSize\` must be a positive integer, got ${String(o.batchSize)}`);
  }
  if (o.compression !== undefined && o.compression !== 'none' && o.compression !== 'gzip') {
    throw new InvalidArgumentError(`${component}: \`compression\` must be 'none' or 'gzip', got ${String(o.compression)}`);
  }
}
