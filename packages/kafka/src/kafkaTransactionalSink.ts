import { type Consumer, defineConsumer, InvalidArgumentError, isCheckpointBarrier, type NodeOptions, Serial } from '@streamweave/core';
import type { KafkaClient, KafkaCompression, KafkaOffsets, KafkaOutgoing, KafkaProducerHandle, KafkaTransactionHandle } from './kafkaClient.js';
import { connectError } from './internal/connectErrors.js';
import type { KafkaSource } from './kafkaSource.js';
import { stateRuntimeOf } from './internal/stateHook.js';
import { type KafkaOutgoingRecord, outgoingMapper } from './internal/toOutgoing.js';
import { validateSink } from './kafkaSink.js';

/** Options of {@link kafkaTransactionalSink}. */
export interface KafkaTransactionalSinkOptions<T> extends NodeOptions {
  /** Kafka client the transactional producer is created from. */
  readonly client: KafkaClient;
  /** Default topic of every record (a record's own `topic` wins). */
  readonly topic: string;
  /** The Kafka source of this job: its consumer group's offsets are committed inside each transaction. */
  readonly source: Pick<KafkaSource<unknown>, 'groupId' | 'takeBarrierPosition'>;
  /** Stable per job (and per parallel instance): a restarted job with the same id fences the old one and aborts its open transaction. */
  readonly transactionalId: string;
  /** Item → record (default: strings/Buffers are values, `{ key, value, headers }` objects are records, the rest JSON). */
  readonly toRecord?: (item: T) => KafkaOutgoingRecord;
  /** Records per produce request inside a transaction (default 500). */
  readonly batchSize?: number;
  /** Default `'gzip'`. */
  readonly compression?: KafkaCompression;
  /**
   * Transaction timeout in ms (client default when omitted; kafkajs: 60 000). The broker aborts a
   * transaction left open this long by a producer that died and never came back; a restarted job
   * with the same `transactionalId` aborts it at once, whatever this is.
   */
  readonly transactionTimeoutMs?: number;
}

/** What {@link kafkaTransactionalSink} resolves to. */
export interface KafkaTransactionalSinkResult {
  /** Records in committed transactions. */
  readonly records: number;
  /** Transactions committed. */
  readonly transactions: number;
}

/**
 * Exactly-once consume-transform-produce (Kafka Streams' model): one Kafka transaction
 * per checkpoint epoch. Records between two barriers go into the open transaction;
 * when a barrier arrives, the source's offsets at that barrier are added to the same
 * transaction (`sendOffsets`) and it commits, so output and input progress become
 * visible together or not at all. End of input commits the last epoch. A failure or
 * cancellation aborts the open transaction; a restarted job's producer (same
 * `transactionalId`) fences the old one, and its source resumes from the offsets of the
 * last committed transaction. Readers must use read_committed isolation.
 *
 * Do not also call `source.commitCheckpoint`: the transactions are the commits. Under a
 * `CheckpointCoordinator`, the checkpoint completes after the epoch's transaction commits.
 *
 * @example
 * ```ts
 * const source = kafkaSource({ client, topics: ['in'], groupId: 'job' });
 * const handle = pipeline().from(source).pipe(map(upper)).to(
 *   kafkaTransactionalSink({ client, topic: 'out', source, transactionalId: 'job-0' }),
 * ).start();
 * setInterval(() => handle.injectBarrier(checkpointBarrier(++n, Date.now())), 1000);
 * ```
 * @see {@link kafkaSource}, {@link kafkaSink}
 */
export function kafkaTransactionalSink<T>(options: KafkaTransactionalSinkOptions<T>): Consumer<T, KafkaTransactionalSinkResult> {
  validateSink('kafkaTransactionalSink', options);
  if (!options.source || typeof options.source.takeBarrierPosition !== 'function') {
    throw new InvalidArgumentError('kafkaTransactionalSink: `source` must be the kafkaSource of this pipeline');
  }
  if (typeof options.transactionalId !== 'string' || options.transactionalId === '') {
    throw new InvalidArgumentError('kafkaTransactionalSink: `transactionalId` must be a non-empty string');
  }
  const batchSize = options.batchSize ?? 500;
  const compression = options.compression ?? 'gzip';
  const toOutgoing = outgoingMapper(options.topic, options.toRecord);
  const { source } = options;
  return defineConsumer<T, KafkaTransactionalSinkResult>(
    'kafkaTransactionalSink',
    { topic: options.topic, transactionalId: options.transactionalId, batchSize, compression },
    options,
    (ctx) => {
      const serial = new Serial();
      let producer: Promise<KafkaProducerHandle> | undefined;
      let txn: KafkaTransactionHandle | undefined;
      let pending: KafkaOutgoing[] = [];
      let inTxn = 0;
      let records = 0;
      let transactions = 0;
      let lastOffsets = '';
      const connect = () =>
        (producer ??= options.client
          .producer({
            transactionalId: options.transactionalId,
            ...(options.transactionTimeoutMs !== undefined ? { transactionTimeoutMs: options.transactionTimeoutMs } : {}),
          })
          .catch((e: unknown) => {
            throw connectError('kafkaTransactionalSink', options.client.brokers, ctx.component, e);
          }));
      const open = async (): Promise<KafkaTransactionHandle> => (txn ??= await (await connect()).transaction());
      const sendPending = (): Promise<void> => {
        if (pending.length === 0) return serial.settled();
        const out = pending;
        pending = [];
        return serial.add(async () => {
          await (await open()).send(out, compression);
          inTxn += out.length;
        });
      };
      const commitEpoch = (offsets: KafkaOffsets | undefined): Promise<void> => {
        void sendPending();
        return serial.add(async () => {
          const key = offsets ? JSON.stringify(offsets) : lastOffsets;
          // Nothing written and the source did not move: no transaction needed.
          if (!txn && inTxn === 0 && key === lastOffsets) return;
          const t = await open();
          if (offsets && Object.keys(offsets).length > 0) await t.sendOffsets(source.groupId, offsets);
          await t.commit();
          txn = undefined;
          records += inTxn;
          inTxn = 0;
          transactions++;
          lastOffsets = key;
        });
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
      runtime?.register({ id: ctx.id, type: 'kafkaTransactionalSink' });
      return {
        // Synchronous, so a barrier never overtakes an item (see kafkaSink).
        item(value) {
          if (serial.failed) throw serial.failed.error;
          pending.push(toOutgoing(value as T));
          if (pending.length >= batchSize) {
            const hold = ctx.hold();
            sendPending().then(hold.release, hold.release);
          }
        },
        signal(s) {
          if (!isCheckpointBarrier(s)) return;
          const done = commitEpoch(source.takeBarrierPosition());
          if (runtime) runtime.snapshotTaken(ctx.id, s.checkpointId, done.then(() => []));
          else done.catch(() => undefined);
        },
        async complete() {
          const done = commitEpoch(source.takeBarrierPosition());
          runtime?.snapshotTaken(ctx.id, 'end', done.then(() => []));
          await done;
          // Closed before the run resolves (see kafkaSink).
          await closeProducer();
          return { records, transactions };
        },
        teardown() {
          // After the queued steps: they may still open the producer.
          void serial
            .settled()
            .catch(() => undefined)
            .then(async () => {
              // A transaction still open here belongs to a failed or cancelled run.
              if (txn) await txn.abort().catch(() => undefined);
              txn = undefined;
              await closeProducer();
            })
            .catch(() => undefined);
        },
      };
    },
  );
}
