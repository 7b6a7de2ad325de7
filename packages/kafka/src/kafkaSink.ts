import {
  type Consumer,
  type CreditHold,
  defineConsumer,
  InvalidArgumentError,
  isCheckpointBarrier,
  type NodeOptions,
  StreamWeaveError,
} from '@streamweave/core';
import type { KafkaClient, KafkaCompression, KafkaOutgoing } from './kafkaClient.js';
import { lazyProducer } from './internal/lazyProducer.js';
import { stateRuntimeOf } from './internal/stateHook.js';
import { type KafkaOutgoingRecord, outgoingMapper } from './internal/toOutgoing.js';

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
   * How long a batch that is not full waits for more records, in ms on the run's clock (default 5,
   * like Kafka's `linger.ms`): a slow stream is sent promptly, and a batch larger than the run's
   * credit window still goes out. As in the Java producer, a batch whose linger expired while a
   * request is in flight keeps filling (up to `batchSize`) and goes out when that request returns.
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
 * with the source committing offsets on checkpoint completion. One request is in flight at a
 * time; records hold the run's credit until their batch is handed to the producer, so the
 * sink keeps at most the credit window plus one batch.
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
  const toOutgoing = outgoingMapper(options.topic, options.toRecord);
  return defineConsumer<T, KafkaSinkResult>(
    'kafkaSink',
    { topic: options.topic, batchSize, lingerMs, compression, idempotent: options.idempotent ?? true },
    options,
    (ctx) => {
      /** The open batch and one credit per record, returned when the batch is handed to the producer. */
      let open: KafkaOutgoing[] = [];
      let openHolds: CreditHold[] = [];
      /** The open batch has waited `lingerMs`: it goes out as soon as no request is in flight. */
      let openLingered = false;
      let cancelLinger: (() => void) | undefined;
      /** Closed batches waiting for the request in flight (one at a time: the idempotent producer's order). */
      const ready: Batch[] = [];
      let inFlight: Batch | undefined;
      /** Settles when the last closed batch is acknowledged (or rejected). */
      let last: Promise<void> = Promise.resolve();
      let failure: { error: unknown } | undefined;
      let records = 0;
      let batches = 0;
      const { connect, close: closeProducer } = lazyProducer('kafkaSink', options.client, { idempotent: options.idempotent ?? true }, ctx.component);
      const closeOpen = (): void => {
        cancelLinger?.();
        cancelLinger = undefined;
        openLingered = false;
        if (open.length === 0) return;
        const batch = newBatch(open, openHolds);
        open = [];
        openHolds = [];
        ready.push(batch);
        last = batch.done;
      };
      // Like the Java producer's sender: while a request is in flight the open batch keeps
      // filling (up to batchSize) even after its linger expired, rather than being closed part
      // full and queued behind the request.
      const pump = (): void => {
        if (inFlight) return;
        if (ready.length === 0 && openLingered) closeOpen();
        const batch = ready.shift();
        if (!batch) return;
        inFlight = batch;
        // The credit returns when the batch is handed to the producer, not when it is
        // acknowledged. Core's pool wakes the source only once half the window is free: with
        // 500-record batches in the default 1024 window, the records in flight holding credit
        // kept the source asleep until the sink was nearly empty, and a part-full batch went out
        // every other round trip (~265 requests of ~380 records per 100 000, now 200 of 500).
        // One request is in flight at a time, so the sink keeps at most creditWindow + batchSize records.
        for (const h of batch.holds) h.release();
        void send(batch);
      };
      const send = async (batch: Batch): Promise<void> => {
        try {
          if (failure) throw failure.error;
          const c = await connect();
          try {
            await c.send(batch.records, compression);
          } catch (e) {
            throw new StreamWeaveError(`kafkaSink: producing ${batch.records.length} records failed`, { component: ctx.component, cause: e });
          }
          records += batch.records.length;
          batches++;
          batch.settle();
        } catch (e) {
          failure ??= { error: e };
          batch.settle(failure);
        } finally {
          inFlight = undefined;
          pump();
        }
      };
      /** Closes the open batch; settles once everything so far is acknowledged, rejecting with the first failure. */
      const flush = (): Promise<void> => {
        closeOpen();
        pump();
        const check = () => {
          if (failure) throw failure.error;
        };
        return last.then(check, check);
      };
      const runtime = stateRuntimeOf(ctx);
      runtime?.register({ id: ctx.id, type: 'kafkaSink' });
      // Connect now, while the source joins its group, rather than when the first batch is
      // full: the two handshakes overlap (a failure surfaces at the first flush).
      connect().catch(() => undefined);
      return {
        // item() stays synchronous: a pending promise would let the next barrier overtake
        // queued items. Each record holds its credit until its batch is handed to the producer
        // instead, so records waiting in the sink count against the run's credit window (memory
        // stays bounded, and the source waits rather than queueing batches behind a slow broker).
        item(value) {
          if (failure) throw failure.error;
          open.push(toOutgoing(value as T));
          openHolds.push(ctx.hold());
          if (open.length >= batchSize) {
            closeOpen();
            pump();
          } else if (open.length === 1 && !openLingered) {
            cancelLinger = ctx.clock.schedule(() => {
              cancelLinger = undefined;
              openLingered = true;
              pump();
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
          void last.then(closeProducer, closeProducer);
        },
      };
    },
  );
}

/** A closed batch of {@link kafkaSink}: its records, their credit, and its acknowledgement. */
interface Batch {
  readonly records: readonly KafkaOutgoing[];
  readonly holds: readonly CreditHold[];
  /** Settles when the broker acknowledged the batch; rejects with the sink's first failure. */
  readonly done: Promise<void>;
  settle(failure?: { error: unknown }): void;
}

function newBatch(records: readonly KafkaOutgoing[], holds: readonly CreditHold[]): Batch {
  let settle!: Batch['settle'];
  const done = new Promise<void>((resolve, reject) => {
    settle = (failure) => (failure ? reject(failure.error) : resolve());
  });
  // Awaited by flush() when a barrier or the end needs it; a failure also surfaces at the next item.
  done.catch(() => undefined);
  return { records, holds, done, settle };
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
