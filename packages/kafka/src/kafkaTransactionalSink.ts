import {
  type Consumer,
  type ConsumerHandlers,
  defineConsumer,
  InvalidArgumentError,
  isCheckpointBarrier,
  type NodeContext,
  type NodeOptions,
  Serial,
  StreamWeaveError,
} from '@streamweave/core';
import type { KafkaClient, KafkaCompression, KafkaOffsets, KafkaOutgoing, KafkaTransactionHandle } from './kafkaClient.js';
import { type LazyProducer, lazyProducer } from './internal/lazyProducer.js';
import { decodeEpochs, encodeEpochs, type PreCommittedEpoch } from './internal/epochSnapshot.js';
import type { KafkaSource } from './kafkaSource.js';
import { stateRuntimeOf, type StateRuntimeLike } from './internal/stateHook.js';
import { type KafkaOutgoingRecord, outgoingMapper } from './internal/toOutgoing.js';
import { validateSink } from './kafkaSink.js';

/** Options of {@link kafkaTransactionalSink}. */
export interface KafkaTransactionalSinkOptions<T> extends NodeOptions {
  /** Kafka client the transactional producer is created from. */
  readonly client: KafkaClient;
  /**
   * Default topic of every record (a record's own `topic` wins). Under a `CheckpointCoordinator`
   * it must exist: the commit marker (see {@link kafkaTransactionalSink}) is an offset on its partition 0.
   */
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
  /**
   * Records in transactions committed by the time the run resolved. Under a
   * `CheckpointCoordinator` the last epoch commits with the coordinator's final checkpoint,
   * after the run resolved (`CheckpointCoordinator.run` resolves after that commit), so it is
   * not counted here.
   */
  readonly records: number;
  /** Transactions committed by the time the run resolved (see `records`). */
  readonly transactions: number;
}

/** The state runtime a two-phase commit needs: restore and completion notices, not only snapshots. */
interface TwoPhaseRuntime extends StateRuntimeLike {
  restored(id: string): ReadonlyArray<readonly [string, string]> | undefined;
}

interface Settings<T> {
  readonly options: KafkaTransactionalSinkOptions<T>;
  readonly batchSize: number;
  readonly compression: KafkaCompression;
  readonly toOutgoing: (item: T) => KafkaOutgoing;
}

/** The consumer group whose committed offset counts the committed epochs of `transactionalId` (the commit marker). */
const commitMarkerGroup = (transactionalId: string): string => `streamweave.commits.${transactionalId}`;

/**
 * Exactly-once consume-transform-produce: Kafka → transform → Kafka, with the output, the
 * consumer group's offsets and (under a `CheckpointCoordinator`) the job's keyed state
 * moving together. Readers must use read_committed isolation. Do not also call
 * `source.commitCheckpoint`: the transactions are the commits. Exactly-once holds while the
 * job's partitions do not move between group members mid-run (one member per job): kafkajs
 * sends transaction offsets without the group generation (KIP-447), so a member a rebalance
 * took partitions from cannot be fenced, and several rebalancing members give at-least-once.
 *
 * **Under a `CheckpointCoordinator`** (keyed state, restore): a two-phase commit (Flink's
 * TwoPhaseCommitSinkFunction contract, as `twoPhaseCommitSink` of `@streamweave/state`).
 * The records of a checkpoint epoch are kept, not sent. At the barrier the epoch is
 * pre-committed: its records and the source's offsets at that barrier are stored in the
 * checkpoint. Once the coordinator reports the checkpoint complete (durable), one Kafka
 * transaction sends those records, commits those offsets for the consumer group and commits.
 * Records of later epochs keep arriving meanwhile (commits run in epoch order, beside the
 * stream). After a crash the job restores its latest checkpoint and commits the epochs it
 * pre-committed again, each exactly once: the producer's start (same `transactionalId`)
 * fences the old process and aborts its open transaction, then the commit marker tells which
 * epochs already committed. The marker is the committed offset of the consumer group
 * `streamweave.commits.<transactionalId>` on partition 0 of `topic`, written in each
 * transaction (the number of epochs committed); the input group's offsets alone cannot tell
 * it, since an epoch may emit records (timers, end of input) without consuming any. The cost:
 * output is visible only after its checkpoint completed (checkpoint interval + checkpoint write
 * + one transaction), and an epoch's records sit in memory and in each checkpoint until then.
 * The last epoch commits with the coordinator's final checkpoint, after the run resolved.
 *
 * **Without a coordinator** (barriers injected with `injectBarrier`, no restore, stateless
 * jobs): one Kafka transaction per epoch, committed at the barrier itself with the source's
 * offsets at that barrier; output is visible one barrier later, not a checkpoint later. A
 * failure or cancellation aborts the open transaction; a restarted job's producer fences the
 * old one and its source resumes from the last committed offsets. This is exactly-once only
 * because nothing else must survive a restart: with restored state, committing before the
 * state is durable would lose or repeat updates, hence the two-phase commit above. There is no
 * durable checkpoint here to wait for, so a two-phase commit would only hold output longer.
 *
 * @example
 * ```ts
 * const source = kafkaSource({ client, topics: ['in'], groupId: 'job', name: 'in' });
 * const coordinator = new CheckpointCoordinator({ intervalMs: 1000, backend, storage });
 * await coordinator.run(pipeline().from(source).pipe(runningTotals).to(
 *   kafkaTransactionalSink({ client, topic: 'out', source, transactionalId: 'job-0' }),
 * ));
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
  const settings: Settings<T> = {
    options,
    batchSize: options.batchSize ?? 500,
    compression: options.compression ?? 'gzip',
    toOutgoing: outgoingMapper(options.topic, options.toRecord),
  };
  return defineConsumer<T, KafkaTransactionalSinkResult>(
    'kafkaTransactionalSink',
    { topic: options.topic, transactionalId: options.transactionalId, batchSize: settings.batchSize, compression: settings.compression },
    options,
    (ctx) => {
      const runtime = stateRuntimeOf(ctx);
      const full = runtime && typeof (runtime as Partial<TwoPhaseRuntime>).restored === 'function' ? (runtime as TwoPhaseRuntime) : undefined;
      return full ? twoPhaseCommit(ctx, full, settings) : commitAtBarriers(ctx, runtime, settings);
    },
  );
}

/** The transactional producer of this run, created on first use. */
function producerOf<T>(ctx: NodeContext, options: KafkaTransactionalSinkOptions<T>): LazyProducer {
  return lazyProducer('kafkaTransactionalSink', options.client, {
    transactionalId: options.transactionalId,
    ...(options.transactionTimeoutMs !== undefined ? { transactionTimeoutMs: options.transactionTimeoutMs } : {}),
  }, ctx.component);
}

/**
 * `sendOffsets` that waits out CONCURRENT_TRANSACTIONS. When it is a transaction's first request
 * (an epoch without records) right after the previous commit, the broker refuses it until that
 * commit's markers are written (a few ms); kafkajs retries this for produce requests, not for
 * AddOffsetsToTxn. Retried from 20 ms, doubling to 500 ms, at most 40 times.
 */
async function sendOffsets(txn: KafkaTransactionHandle, groupId: string, offsets: KafkaOffsets): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await txn.sendOffsets(groupId, offsets);
    } catch (e) {
      if (attempt >= 40 || (e as { type?: unknown } | null)?.type !== 'CONCURRENT_TRANSACTIONS') throw e;
      await new Promise((r) => setTimeout(r, Math.min(20 * 2 ** attempt, 500)));
    }
  }
}

/** Two-phase commit under a CheckpointCoordinator (see kafkaTransactionalSink). */
function twoPhaseCommit<T>(ctx: NodeContext, runtime: TwoPhaseRuntime, settings: Settings<T>): ConsumerHandlers<KafkaTransactionalSinkResult> {
  const { options, batchSize, compression, toOutgoing } = settings;
  const { source } = options;
  const markerGroup = commitMarkerGroup(options.transactionalId);
  const producer = producerOf(ctx, options);
  /** Records of the epoch in progress. */
  let open: KafkaOutgoing[] = [];
  /** Pre-committed epochs, oldest first, until their transaction commits. */
  let pending: PreCommittedEpoch[] = [];
  let nextSeq = 0;
  let lastOffsets = '';
  let lastBarrier = -Infinity;
  let records = 0;
  let transactions = 0;
  /** Input complete: the 'end' epoch commits with the final checkpoint. */
  let finished = false;
  /** The run failed or was cancelled: what is pre-committed stays for the restored run to commit. */
  let stopped = false;
  let failure: { error: unknown } | undefined;
  // Commits (and the start-up check) run one at a time, in epoch order, beside the stream; it never rejects.
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (what: string, work: () => Promise<void>): Promise<void> =>
    (chain = chain.then(async () => {
      if (failure) return;
      try {
        await work();
      } catch (e) {
        failure = { error: e instanceof StreamWeaveError ? e : new StreamWeaveError(`kafkaTransactionalSink: ${what} failed`, { component: ctx.component, cause: e }) };
      }
    }));

  /**
   * Epochs of this transactionalId committed so far (by any run), from the commit marker. A
   * retriable broker error (NOT_COORDINATOR while the group's coordinator moves or loads) is
   * retried with a new admin connection (kafkajs' admin keeps asking the stale coordinator),
   * from 100 ms, doubling to 1 s, at most 10 times.
   */
  const committedEpochs = async (): Promise<number> => {
    for (let attempt = 0; ; attempt++) {
      const admin = await options.client.admin();
      try {
        const marker = Number((await admin.groupOffsets(markerGroup, options.topic))['0'] ?? -1);
        return marker > 0 ? marker : 0;
      } catch (e) {
        if (attempt >= 10 || (e as { retriable?: unknown } | null)?.retriable !== true) throw e;
      } finally {
        await admin.close();
      }
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 1000)));
    }
  };
  const describe = (epochs: readonly PreCommittedEpoch[]) =>
    `committing epoch${epochs.length > 1 ? 's' : ''} ${epochs.map((e) => `${e.seq} (checkpoint ${e.checkpoint}, ${e.records.length} records)`).join(', ')}`;
  /** One transaction: the epochs' records, the source offsets of the last one, the commit marker. */
  const commit = async (epochs: readonly PreCommittedEpoch[]): Promise<void> => {
    const txn = await (await producer.connect()).transaction();
    let n = 0;
    try {
      for (const e of epochs) {
        for (let i = 0; i < e.records.length; i += batchSize) await txn.send(e.records.length <= batchSize ? e.records : e.records.slice(i, i + batchSize), compression);
        n += e.records.length;
      }
      const offsets: Record<string, Record<string, string>> = {};
      for (const e of epochs) for (const [topic, parts] of Object.entries(e.offsets ?? {})) Object.assign((offsets[topic] ??= {}), parts);
      if (Object.keys(offsets).length > 0) await sendOffsets(txn, source.groupId, offsets);
      await sendOffsets(txn, markerGroup, { [options.topic]: { '0': String(epochs[epochs.length - 1]!.seq + 1) } });
      await txn.commit();
    } catch (e) {
      await txn.abort().catch(() => undefined);
      throw e;
    }
    records += n;
    transactions++;
  };
  const preCommit = (checkpoint: number | 'end', offsets: KafkaOffsets | undefined): void => {
    const key = offsets ? JSON.stringify(offsets) : lastOffsets;
    // Nothing written and the source did not move: nothing to commit.
    if (open.length === 0 && key === lastOffsets) return;
    pending.push({ seq: nextSeq++, checkpoint, records: open, offsets });
    open = [];
    lastOffsets = key;
  };

  const commitRestored = async (todo: readonly PreCommittedEpoch[]) => {
    try {
      await commit(todo);
    } catch (e) {
      throw new StreamWeaveError(`kafkaTransactionalSink: ${describe(todo)} after the restore failed`, { component: ctx.component, cause: e });
    }
  };
  // Start-up: fence the previous producer of this transactionalId (InitProducerId aborts its open
  // transaction), read how many epochs are committed, and commit the restored epochs that are not.
  // Elements wait for it, so the epochs of this run are numbered after every committed one.
  const restored = runtime.restored(ctx.id);
  let startup: Promise<void> | undefined = enqueue('the start-up (fencing, commit marker, restored epochs)', async () => {
    const state = restored ? decodeEpochs('kafkaTransactionalSink', restored) : undefined;
    await producer.connect();
    const committed = await committedEpochs();
    nextSeq = Math.max(state?.nextSeq ?? 0, committed);
    const todo = (state?.pending ?? []).filter((e) => e.seq >= committed);
    if (todo.length > 0) await commitRestored(todo);
  }).then(() => {
    startup = undefined;
  });
  const check = () => {
    if (failure) throw failure.error;
  };
  const onBarrier = (checkpointId: number): void => {
    check();
    lastBarrier = Math.max(lastBarrier, checkpointId);
    preCommit(checkpointId, source.takeBarrierPosition());
    runtime.snapshotTaken(ctx.id, checkpointId, encodeEpochs(nextSeq, pending));
  };

  runtime.register({
    id: ctx.id,
    type: 'kafkaTransactionalSink',
    // A failed commit fails the run at its next element. Only the final checkpoint's notice
    // rejects (CheckpointCoordinator.run then rejects): the run has no next element.
    notifyComplete(checkpointId) {
      if (stopped) return;
      const final = finished && checkpointId > lastBarrier;
      let due: PreCommittedEpoch[] = [];
      return enqueue('a commit', async () => {
        // The final checkpoint (after end of input) also commits the 'end' epoch.
        due = pending.filter((e) => (e.checkpoint === 'end' ? final : e.checkpoint <= checkpointId));
        if (due.length === 0) return;
        try {
          await commit(due);
        } catch (e) {
          throw new StreamWeaveError(`kafkaTransactionalSink: ${describe(due)} for checkpoint ${checkpointId} failed`, { component: ctx.component, cause: e });
        }
        pending = pending.filter((e) => !due.includes(e));
      }).then(async () => {
        // After the run: close the producer once nothing is left to commit.
        if ((finished || stopped) && (pending.length === 0 || failure)) await producer.close();
        if (final) check();
      });
    },
  });

  return {
    // Synchronous once started, so a barrier never overtakes an item.
    item(value) {
      if (startup) return startup.then(() => (check(), void open.push(toOutgoing(value as T))));
      check();
      open.push(toOutgoing(value as T));
    },
    signal(sig) {
      if (!isCheckpointBarrier(sig)) return;
      if (startup) return startup.then(() => onBarrier(sig.checkpointId));
      onBarrier(sig.checkpointId);
    },
    async complete() {
      await startup;
      check();
      finished = true;
      preCommit('end', source.takeBarrierPosition());
      runtime.snapshotTaken(ctx.id, 'end', encodeEpochs(nextSeq, pending));
      // Commits of earlier checkpoints under way finish first; the rest commit after the run
      // resolved, on a producer opened again then (so none is left open if that never happens).
      await (chain = chain.then(() => producer.close()));
      check();
      return { records, transactions };
    },
    teardown() {
      if (finished) return;
      stopped = true;
      // A commit under way belongs to a complete checkpoint: it finishes, then the producer closes.
      void chain.then(() => producer.close());
    },
  };
}

/** One transaction per epoch, committed at the barrier (no coordinator; see kafkaTransactionalSink). */
function commitAtBarriers<T>(ctx: NodeContext, runtime: StateRuntimeLike | undefined, settings: Settings<T>): ConsumerHandlers<KafkaTransactionalSinkResult> {
  const { options, batchSize, compression, toOutgoing } = settings;
  const { source } = options;
  const serial = new Serial();
  const producer = producerOf(ctx, options);
  let txn: KafkaTransactionHandle | undefined;
  let pending: KafkaOutgoing[] = [];
  let inTxn = 0;
  let records = 0;
  let transactions = 0;
  let lastOffsets = '';
  const open = async (): Promise<KafkaTransactionHandle> => (txn ??= await (await producer.connect()).transaction());
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
  runtime?.register({ id: ctx.id, type: 'kafkaTransactionalSink' });
  return {
    // Synchronous, so a barrier never overtakes an item (see kafkaSink).
    item(value) {
      if (serial.failed) throw serial.failed.error;
      pending.push(toOutgoing(value as T));
      if (pending.length >= batchSize) {
        const hold = ctx.hold();
        sendPending().then(() => hold.release(), () => hold.release());
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
      await producer.close();
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
          await producer.close();
        })
        .catch(() => undefined);
    },
  };
}
