import {
  convertInSource,
  defineProducer,
  InvalidArgumentError,
  type JsonValue,
  type NodeOptions,
  type Producer,
  type ProducerContext,
  skippedInput,
  type SourceReader,
  StreamWeaveError,
} from '@streamweave/core';
import type { KafkaClient, KafkaConsumerHandle, KafkaOffsets, KafkaRecord } from './kafkaClient.js';
import { connectError } from './internal/connectErrors.js';
import { parseOffsets } from './internal/offsets.js';

/** The error a record the `decode` option threw on is reported with. */
const undecodable = (e: unknown, r: KafkaRecord) => new StreamWeaveError(`cannot decode record ${r.topic}/${r.partition}@${r.offset}`, { cause: e });

/** Options of {@link kafkaSource}. */
export interface KafkaSourceOptions<T> extends NodeOptions {
  /** Kafka client the group consumer is created from. */
  readonly client: KafkaClient;
  /** Topics the source subscribes to. */
  readonly topics: readonly string[];
  /** Consumer group; its committed offsets are where a fresh run starts. */
  readonly groupId: string;
  /** Turns a record into the item emitted (default: the {@link KafkaRecord} itself). A throw goes through the error strategy. */
  readonly decode?: (record: KafkaRecord) => T;
  /** Records buffered before partitions are paused (default 1000); fetching resumes below half of it. */
  readonly bufferSize?: number;
  /** Where a group without committed offsets starts (default true: earliest). */
  readonly fromBeginning?: boolean;
  /** read_committed isolation (default true). */
  readonly readCommitted?: boolean;
  /** Group session timeout in ms: how soon a crashed member's partitions move to the others (client default 30 000). */
  readonly sessionTimeoutMs?: number;
}

/** A Kafka source: a replayable producer plus the checkpoint-completion hook. */
export interface KafkaSource<T> extends Producer<T> {
  /** The consumer group. */
  readonly groupId: string;
  /** The client, shared with sinks that commit offsets inside transactions. */
  readonly client: KafkaClient;
  /**
   * Commits a checkpoint's source position (what `position()` returned at the barrier)
   * to the consumer group. Call it only when the checkpoint is complete, for example from
   * `CheckpointCoordinator`'s `onCheckpointComplete`. While the run is live, only partitions
   * still assigned to this member are committed (never regressing a new owner).
   */
  commitCheckpoint(position: JsonValue | undefined): Promise<void>;
  /** Alias of {@link KafkaSource.commitCheckpoint}, named after Flink's CheckpointListener. */
  onCheckpointComplete(position: JsonValue | undefined): Promise<void>;
  /** Position of the oldest barrier not yet taken by a transactional sink. @internal */
  takeBarrierPosition(): KafkaOffsets | undefined;
}

const maxRememberedBarriers = 1024;
/** Longest a pull emits before returning to the runtime (which then yields to the event loop). */
const sliceMs = 5;
/** How long a full buffer holds the fetch loop before pausing the partition (kafkajs resumes slowly). */
const pauseAfterMs = 1000;

/**
 * Reads topics with a consumer group. Pull-driven: fetched records wait in a bounded
 * buffer; when it is full the fetch loop waits (up to 1 s) for room, then the partition
 * is paused until the buffer is half empty. Auto-commit is off; offsets reach
 * the group only through {@link KafkaSource.commitCheckpoint} (or a transactional sink),
 * so a record is never committed before the checkpoint covering it completes.
 *
 * Position: `{ topic: { partition: nextOffset } }` of the records emitted so far. On
 * (re)assignment the partitions kept are sought to that position (or to the restored
 * one), so a rebalance neither skips nor repeats records; records of revoked partitions
 * are dropped from the buffer and the position (their new owner reads them from the
 * group's committed offsets: at-least-once).
 *
 * @example
 * ```ts
 * const source = kafkaSource({ client, topics: ['orders'], groupId: 'billing', decode: (r) => JSON.parse(String(r.value)) });
 * const coordinator = new CheckpointCoordinator({ intervalMs: 5000,
 *   onCheckpointComplete: (meta) => void source.commitCheckpoint(meta.positions['orders']) });
 * await coordinator.run(pipeline().from(source, { name: 'orders' }).to(sink));
 * ```
 * @see {@link kafkaSink}, {@link kafkaTransactionalSink}, {@link kafkaDeadLetter}
 */
export function kafkaSource<T = KafkaRecord>(options: KafkaSourceOptions<T>): KafkaSource<T> {
  validate(options);
  const bufferSize = options.bufferSize ?? 1000;
  const decode = options.decode ?? ((r: KafkaRecord) => r as unknown as T);
  let live: Reader<T> | undefined;
  const barrierPositions: KafkaOffsets[] = [];

  const producer = defineProducer<T>(
    'kafkaSource',
    { topics: [...options.topics], groupId: options.groupId, bufferSize },
    options,
    (ctx) => {
      const reader = new Reader<T>(options, ctx, bufferSize, decode, (p) => {
        barrierPositions.push(p);
        if (barrierPositions.length > maxRememberedBarriers) barrierPositions.shift();
      });
      live = reader;
      reader.closed.then(() => {
        if (live === reader) live = undefined;
      }, () => undefined);
      return reader;
    },
  );

  const commitCheckpoint = async (position: JsonValue | undefined): Promise<void> => {
    if (position === undefined) return;
    const offsets = parseOffsets('kafkaSource', position);
    if (Object.keys(offsets).length === 0) return;
    const reader = live;
    if (reader?.consumer) {
      await reader.commit(offsets);
      return;
    }
    // The run is over and its member left the group: commit as the (now empty) group.
    const admin = await options.client.admin();
    try {
      await admin.setGroupOffsets(options.groupId, offsets);
    } finally {
      await admin.close();
    }
  };

  return {
    ...producer,
    groupId: options.groupId,
    client: options.client,
    commitCheckpoint,
    onCheckpointComplete: commitCheckpoint,
    takeBarrierPosition: () => barrierPositions.shift(),
  };
}

function validate<T>(o: KafkaSourceOptions<T>): void {
  if (!o || typeof o !== 'object') throw new InvalidArgumentError('kafkaSource: options must be an object');
  if (!o.client || typeof o.client.consumer !== 'function') throw new InvalidArgumentError('kafkaSource: `client` must be a KafkaClient');
  if (!Array.isArray(o.topics) || o.topics.length === 0 || o.topics.some((t) => typeof t !== 'string' || t === '')) {
    throw new InvalidArgumentError('kafkaSource: `topics` must be a non-empty array of topic names');
  }
  if (typeof o.groupId !== 'string' || o.groupId === '') throw new InvalidArgumentError('kafkaSource: `groupId` must be a non-empty string');
  if (o.decode !== undefined && typeof o.decode !== 'function') throw new InvalidArgumentError('kafkaSource: `decode` must be a function');
  if (o.bufferSize !== undefined && (!Number.isInteger(o.bufferSize) || o.bufferSize < 1)) {
    throw new InvalidArgumentError(`kafkaSource: \`bufferSize\` must be a positive integer, got ${String(o.bufferSize)}`);
  }
}

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

class Reader<T> implements SourceReader<T> {
  consumer: KafkaConsumerHandle | undefined;
  private starting: Promise<void> | undefined;
  private readonly buffer: KafkaRecord[] = [];
  private head = 0;
  /** Next offset to emit, per topic and partition (emitted or restored); see {@link Reader.settle}. */
  private readonly next = new Map<string, Record<string, string>>();
  /**
   * The last record emitted, not yet written to `next`: a partition's records arrive in runs
   * (one fetched batch each), so `next` is updated once per run instead of once per record
   * (a string per record). Everything that reads `next` settles it first.
   */
  private unsettled: KafkaRecord | undefined;
  private assigned = new Set<string>();
  /** Next offset after the last record buffered, per partition key. */
  private readonly fetched = new Map<string, string>();
  private readonly paused = new Map<string, { topic: string; partition: number }>();
  private wake: (() => void) | undefined;
  private readonly roomWaiters = new Set<() => void>();
  private failure: unknown;
  private seen = 0;
  private resolveClosed!: () => void;
  readonly closed = new Promise<void>((r) => (this.resolveClosed = r));

  constructor(
    private readonly options: KafkaSourceOptions<T>,
    private readonly ctx: ProducerContext,
    private readonly bufferSize: number,
    private readonly decode: (r: KafkaRecord) => T,
    private readonly onBarrierPosition: (p: KafkaOffsets) => void,
  ) {
    ctx.signal.addEventListener(
      'abort',
      () => {
        this.wakeUp();
        for (const w of [...this.roomWaiters]) w();
      },
      { once: true },
    );
  }

  seek(position: JsonValue): void {
    this.settle();
    const offsets = parseOffsets('kafkaSource', position);
    for (const [topic, parts] of Object.entries(offsets)) this.next.set(topic, { ...parts });
  }

  position(): JsonValue {
    this.settle();
    const out: Record<string, Record<string, string>> = {};
    for (const [topic, parts] of this.next) out[topic] = { ...parts };
    // The runtime asks for the position exactly when a barrier (or the end) passes this
    // source; a transactional sink takes these in the same order as the barriers reach it.
    this.onBarrierPosition(out);
    return out;
  }

  async pull(emit: (item: T) => void, demand: number): Promise<boolean> {
    if (!this.consumer) await this.start();
    while (this.size() === 0) {
      if (this.failure !== undefined) throw this.failure;
      if (this.ctx.signal.aborted) return true;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    let emitted = 0;
    const t0 = performance.now();
    while (emitted < demand && this.size() > 0) {
      // Emitting runs the downstream stages synchronously: stop after ~5 ms so the event loop
      // (the sink's produce requests, barrier timers) gets a turn between pulls.
      if ((emitted & 15) === 15 && performance.now() - t0 > sliceMs) break;
      const record = this.buffer[this.head++]!;
      const item = convertInSource(this.ctx, record, this.seen++, this.decode, undecodable);
      // Emitted, skipped or dead-lettered: the record is fully handled, so the position moves past it.
      this.advance(record);
      if (item !== skippedInput) {
        emit(item);
        emitted++;
      }
    }
    if (this.head > 4096 && this.head * 2 > this.buffer.length) {
      this.buffer.splice(0, this.head);
      this.head = 0;
    }
    if (this.roomWaiters.size > 0 && this.size() <= this.bufferSize / 2) for (const w of [...this.roomWaiters]) w();
    if (this.paused.size > 0 && this.size() <= this.bufferSize / 2) {
      for (const { topic, partition } of this.paused.values()) this.consumer?.resume(topic, [partition]);
      this.paused.clear();
    }
    return true;
  }

  async commit(offsets: KafkaOffsets): Promise<void> {
    const mine: Record<string, Record<string, string>> = {};
    for (const [topic, parts] of Object.entries(offsets)) {
      for (const [p, off] of Object.entries(parts)) {
        if (!this.assigned.has(tpKey(topic, Number(p)))) continue;
        (mine[topic] ??= {})[p] = off;
      }
    }
    if (Object.keys(mine).length > 0) await this.consumer!.commit(mine);
  }

  async close(): Promise<void> {
    // kafkajs' disconnect waits for the batch handler: let it return.
    for (const w of [...this.roomWaiters]) w();
    const c = this.consumer;
    this.consumer = undefined;
    this.resolveClosed();
    await c?.close();
  }

  private size(): number {
    return this.buffer.length - this.head;
  }

  private advance(r: KafkaRecord): void {
    const last = this.unsettled;
    if (last !== undefined && (last.partition !== r.partition || last.topic !== r.topic)) this.settle();
    this.unsettled = r;
  }

  /** Next offset to emit of one partition, if known. */
  private nextOffset(topic: string, partition: number): string | undefined {
    this.settle();
    return this.next.get(topic)?.[String(partition)];
  }

  /** Writes the last emitted record's next offset to `next`. */
  private settle(): void {
    const r = this.unsettled;
    if (r === undefined) return;
    this.unsettled = undefined;
    let parts = this.next.get(r.topic);
    if (!parts) this.next.set(r.topic, (parts = {}));
    parts[String(r.partition)] = String(Number(r.offset) + 1);
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private start(): Promise<void> {
    this.starting ??= this.connect().catch((e: unknown) => {
      this.starting = undefined;
      throw e;
    });
    return this.starting;
  }

  private async connect(): Promise<void> {
    const { client, groupId, topics } = this.options;
    let consumer: KafkaConsumerHandle;
    try {
      consumer = await client.consumer({
        groupId,
        topics,
        fromBeginning: this.options.fromBeginning ?? true,
        readCommitted: this.options.readCommitted ?? true,
        ...(this.options.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: this.options.sessionTimeoutMs } : {}),
      });
    } catch (e) {
      throw connectError('kafkaSource', client.brokers, this.ctx.component, e);
    }
    this.consumer = consumer;
    await consumer.start({
      onRecords: (records) => this.onRecords(records),
      onAssign: (assignment) => this.onAssign(assignment),
      onCrash: (error, willRestart) => {
        if (willRestart) return;
        this.failure = new StreamWeaveError(`kafkaSource: consumer of group "${groupId}" crashed (brokers ${client.brokers.join(',')})`, {
          component: this.ctx.component,
          cause: error,
        });
        this.wakeUp();
      },
    });
    // Restored offsets: seek now; onAssign seeks again if the group assigns later.
    this.settle();
    for (const [topic, parts] of this.next) for (const [p, off] of Object.entries(parts)) consumer.seek(topic, Number(p), off);
  }

  private async onRecords(records: readonly KafkaRecord[]): Promise<void> {
    const first = records[0]!;
    const key = tpKey(first.topic, first.partition);
    const from = this.fetched.get(key) ?? this.nextOffset(first.topic, first.partition);
    // A fetch that raced a seek can repeat records already taken (emitted or buffered): drop them.
    // Offsets grow within a batch, so a batch whose first record is new is new throughout.
    const fresh = from === undefined || Number(first.offset) >= Number(from) ? records : records.filter((r) => Number(r.offset) >= Number(from));
    for (const r of fresh) this.buffer.push(r);
    if (fresh.length > 0) this.fetched.set(key, String(Number(fresh[fresh.length - 1]!.offset) + 1));
    if (fresh.length > 0) this.wakeUp();
    if (this.size() < this.bufferSize) return;
    // Full: first hold the fetch loop briefly (cheap, no refetch); if downstream stays slow,
    // pause the partition so the consumer keeps heartbeating without fetching.
    await new Promise<void>((resolve) => {
      const cancel = this.ctx.clock.schedule(() => done(), pauseAfterMs);
      const done = () => {
        cancel();
        this.roomWaiters.delete(done);
        resolve();
      };
      this.roomWaiters.add(done);
    });
    if (this.size() >= this.bufferSize && !this.paused.has(key) && !this.ctx.signal.aborted) {
      this.paused.set(key, { topic: first.topic, partition: first.partition });
      this.consumer?.pause(first.topic, [first.partition]);
    }
  }

  private onAssign(assignment: Readonly<Record<string, readonly number[]>>): void {
    this.settle();
    const now = new Set<string>();
    for (const [topic, parts] of Object.entries(assignment)) for (const p of parts) now.add(tpKey(topic, p));
    // Revoked partitions: their buffered records and progress belong to the new owner now.
    const kept = this.buffer.slice(this.head).filter((r) => now.has(tpKey(r.topic, r.partition)));
    this.buffer.length = 0;
    this.head = 0;
    this.buffer.push(...kept);
    for (const [topic, parts] of this.next) {
      for (const p of Object.keys(parts)) if (!now.has(tpKey(topic, Number(p)))) delete parts[p];
    }
    for (const k of [...this.fetched.keys()]) if (!now.has(k)) this.fetched.delete(k);
    for (const [k, v] of this.paused) {
      if (!now.has(k)) {
        this.paused.delete(k);
        // The client keeps a partition's pause across rebalances: clear it, or the partition
        // stays silent when the group hands it back to this member later.
        this.consumer?.resume(v.topic, [v.partition]);
      } else this.consumer?.pause(v.topic, [v.partition]);
    }
    this.assigned = now;
    // Kept partitions: continue exactly after the last record taken into this run (the group's
    // committed offset may be older), so a rebalance repeats nothing.
    for (const [topic, parts] of Object.entries(assignment)) {
      for (const p of parts) {
        const buffered = kept.filter((r) => r.topic === topic && r.partition === p);
        const last = buffered[buffered.length - 1];
        const from = last ? String(Number(last.offset) + 1) : this.next.get(topic)?.[String(p)];
        if (from !== undefined) this.consumer?.seek(topic, p, from);
      }
    }
  }
}
