/**
 * The small client interface the connector is written against, and its kafkajs
 * implementation. Another client (for example @platformatic/kafka) plugs in by
 * implementing {@link KafkaClient}; nothing else in the package touches kafkajs.
 */
import { CompressionTypes, Kafka, logLevel, type Consumer, type Producer, type SASLOptions } from 'kafkajs';
import { authenticationFailure, isAuthenticationFailure } from './internal/connectErrors.js';

/** Header values as Kafka carries them. */
export type KafkaHeaders = Readonly<Record<string, string | Buffer | undefined>>;

/** One consumed record. Offsets are decimal strings (Kafka offsets are 64-bit). */
export interface KafkaRecord {
  /** Topic the record was read from. */
  readonly topic: string;
  /** Partition of the topic the record was read from. */
  readonly partition: number;
  /** Offset of the record within its partition, as a decimal string. */
  readonly offset: string;
  /** Record key bytes, or null when the record has no key. */
  readonly key: Buffer | null;
  /** Record value bytes, or null for a tombstone. */
  readonly value: Buffer | null;
  /** Headers carried by the record. */
  readonly headers: KafkaHeaders;
  /** Create or log-append time, ms since the epoch, as a string. */
  readonly timestamp: string;
}

/** One record to produce. Without `partition`, the client partitions by key (murmur2, like the Java client). */
export interface KafkaOutgoing {
  /** Topic to write the record to. */
  readonly topic: string;
  /** Record key (used for partitioning when `partition` is absent); null or omitted for none. */
  readonly key?: string | Buffer | null;
  /** Record value; null writes a tombstone. */
  readonly value: string | Buffer | null;
  /** Headers to attach to the record. */
  readonly headers?: Readonly<Record<string, string | Buffer>>;
  /** Explicit target partition; overrides key-based partitioning. */
  readonly partition?: number;
}

/** Next offset to read, per topic and partition: `{ topic: { "0": "42" } }`. */
export type KafkaOffsets = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** Compression codecs every client must support. */
export type KafkaCompression = 'none' | 'gzip';

/** Configuration of a group consumer. */
export interface KafkaConsumerConfig {
  /** Consumer group the consumer joins; its committed offsets are where consumption resumes. */
  readonly groupId: string;
  /** Topics the consumer subscribes to. */
  readonly topics: readonly string[];
  /** Where a group without committed offsets starts (default true: earliest). */
  readonly fromBeginning?: boolean;
  /** Isolation level read_committed (default true): records of aborted transactions are never seen. */
  readonly readCommitted?: boolean;
  /** Upper bound of bytes fetched per request (client default when omitted). */
  readonly maxBytes?: number;
  /** A member silent this long is removed from the group (client default 30 000 ms; brokers allow 6 000 at least). */
  readonly sessionTimeoutMs?: number;
}

/** Callbacks a consumer drives. */
export interface KafkaConsumerHandlers {
  /** A fetched batch of one partition. The client fetches the next batch only after the returned promise settles. */
  onRecords(records: readonly KafkaRecord[]): Promise<void> | void;
  /** The group (re)assigned partitions to this member (the complete new assignment). */
  onAssign(assignment: Readonly<Record<string, readonly number[]>>): void;
  /** The consumer crashed; `willRestart` tells whether the client retries by itself. */
  onCrash(error: Error, willRestart: boolean): void;
}

/** A running group consumer; offsets are committed only by an explicit {@link KafkaConsumerHandle.commit}. */
export interface KafkaConsumerHandle {
  /** Joins the group and starts fetching. */
  start(handlers: KafkaConsumerHandlers): Promise<void>;
  /** Stops fetching the given partitions of `topic` until {@link KafkaConsumerHandle.resume} is called. */
  pause(topic: string, partitions: readonly number[]): void;
  /** Restarts fetching the given partitions of `topic` after {@link KafkaConsumerHandle.pause}. */
  resume(topic: string, partitions: readonly number[]): void;
  /** Next fetch of `topic`/`partition` starts at `offset`. */
  seek(topic: string, partition: number, offset: string): void;
  /** Commits next-offsets to the group. */
  commit(offsets: KafkaOffsets): Promise<void>;
  /** Leaves the group and disconnects the consumer. */
  close(): Promise<void>;
}

/** An open Kafka transaction. */
export interface KafkaTransactionHandle {
  /** Produces `messages` inside the transaction with the given compression (an empty list sends nothing). */
  send(messages: readonly KafkaOutgoing[], compression: KafkaCompression): Promise<void>;
  /** Adds the consumer group's next-offsets to the transaction (they commit with it). */
  sendOffsets(groupId: string, offsets: KafkaOffsets): Promise<void>;
  /** Commits the transaction: its records become visible to read_committed consumers and its offsets are committed. */
  commit(): Promise<void>;
  /** Aborts the transaction: its records are discarded and its offsets are not committed. */
  abort(): Promise<void>;
}

/** Configuration of a producer. */
export interface KafkaProducerConfig {
  /** Idempotent producer: retries never duplicate (default true). */
  readonly idempotent?: boolean;
  /** Makes the producer transactional; a new producer with the same id fences the old one. */
  readonly transactionalId?: string;
  /** Transaction timeout in ms (client default when omitted). */
  readonly transactionTimeoutMs?: number;
}

/** A connected producer. */
export interface KafkaProducerHandle {
  /** Produces `messages` with the given compression, acknowledged by all in-sync replicas (an empty list sends nothing). */
  send(messages: readonly KafkaOutgoing[], compression: KafkaCompression): Promise<void>;
  /** Begins a transaction (the producer must have been created with a `transactionalId`). */
  transaction(): Promise<KafkaTransactionHandle>;
  /** Disconnects the producer. */
  close(): Promise<void>;
}

/** Topic administration (tests, examples, tooling). */
export interface KafkaAdminHandle {
  /** Creates `topic` with `partitions` partitions (default 1) and waits until each has a leader. */
  createTopic(topic: string, partitions?: number): Promise<void>;
  /** Deletes `topic`. */
  deleteTopic(topic: string): Promise<void>;
  /** Next offset to be written (the high watermark) per partition. */
  endOffsets(topic: string): Promise<Readonly<Record<string, string>>>;
  /** Committed next-offsets of a group for a topic (`-1` when none). */
  groupOffsets(groupId: string, topic: string): Promise<Readonly<Record<string, string>>>;
  /** Sets a group's committed offsets (the group must have no active member). */
  setGroupOffsets(groupId: string, offsets: KafkaOffsets): Promise<void>;
  /** Disconnects the admin client. */
  close(): Promise<void>;
}

/**
 * What the connector needs from a Kafka client library.
 *
 * @example
 * ```ts
 * const client = kafkajsClient({ brokers: ['127.0.0.1:9092'] });
 * const source = kafkaSource({ client, topics: ['in'], groupId: 'job' });
 * ```
 * @see {@link kafkajsClient}
 */
export interface KafkaClient {
  /** Bootstrap addresses, for error messages. */
  readonly brokers: readonly string[];
  /** Connects a group consumer (rejects when no broker is reachable after the client's retries). */
  consumer(config: KafkaConsumerConfig): Promise<KafkaConsumerHandle>;
  /** Connects a producer. */
  producer(config: KafkaProducerConfig): Promise<KafkaProducerHandle>;
  /** Connects an admin client. */
  admin(): Promise<KafkaAdminHandle>;
}

/** Options of {@link kafkajsClient}. */
export interface KafkajsClientOptions {
  /** Bootstrap broker addresses (`host:port`). */
  readonly brokers: readonly string[];
  /** Client id sent to the brokers (default `'streamweave'`). */
  readonly clientId?: string;
  /** Connection retries before an operation fails (default 5, exponential backoff from 100 ms). */
  readonly retries?: number;
  /** Connect timeout per attempt in ms (default 3000). */
  readonly connectionTimeoutMs?: number;
  /** Longest a fetch waits for data (default 500 ms, as the Java client); a consumer's close waits for it. */
  readonly fetchMaxWaitMs?: number;
  /**
   * SASL credentials, for a `SASL_PLAINTEXT` listener (default: none). A broker that refuses
   * them fails the connect at once (no retries) with an error saying authentication failed,
   * naming the broker and giving its reason.
   */
  readonly sasl?: KafkaSaslOptions;
}

/** SASL credentials of {@link KafkajsClientOptions.sasl}. */
export interface KafkaSaslOptions {
  /** The SASL mechanism the listener accepts. */
  readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  /** User name. */
  readonly username: string;
  /** Password. */
  readonly password: string;
}

const codec = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP } as const;

function toTopicOffsets(offsets: KafkaOffsets) {
  return Object.entries(offsets).map(([topic, parts]) => ({
    topic,
    partitions: Object.entries(parts).map(([p, offset]) => ({ partition: Number(p), offset })),
  }));
}

function toMessages(messages: readonly KafkaOutgoing[]) {
  type Message = { key?: string | Buffer | null; value: string | Buffer | null; headers?: Record<string, string | Buffer>; partition?: number };
  // An outgoing record already has kafkajs' message fields (key, value, headers, partition);
  // kafkajs reads those and never writes to a message, so one topic's records go as they are
  // (no copy per record). Several topics are grouped, one plain object per record.
  const first = messages[0]!.topic;
  let single = true;
  for (const m of messages) if (m.topic !== first) single = false;
  if (single) return [{ topic: first, messages: messages as unknown as Message[] }];
  const toMessage = (m: KafkaOutgoing): Message => ({ key: m.key, value: m.value, headers: m.headers as Record<string, string | Buffer> | undefined, partition: m.partition });
  const byTopic = new Map<string, Message[]>();
  for (const m of messages) {
    let list = byTopic.get(m.topic);
    if (!list) byTopic.set(m.topic, (list = []));
    list.push(toMessage(m));
  }
  return [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs }));
}

/**
 * The kafkajs (2.2.4) implementation of {@link KafkaClient}.
 *
 * When to use: the default client; pure JavaScript, no native build.
 *
 * @example
 * ```ts
 * const client = kafkajsClient({ brokers: ['127.0.0.1:9092'], retries: 3 });
 * ```
 * @see {@link KafkaClient}, {@link kafkaSource}, {@link kafkaSink}
 */
export function kafkajsClient(options: KafkajsClientOptions): KafkaClient {
  const brokers = [...options.brokers];
  const sasl = options.sasl;
  // kafkajs' authentication errors do not name the broker; its error log line does. Only that
  // line is kept (nothing is printed), to name the broker in the error.
  let refusal: { readonly message: string; readonly broker: string } | undefined;
  const authFailed = (e: unknown): unknown =>
    authenticationFailure(e, {
      broker: refusal !== undefined && e instanceof Error && e.message === refusal.message ? refusal.broker : brokers.join(','),
      mechanism: sasl?.mechanism,
      username: sasl?.username,
    }) ?? e;
  const kafka = new Kafka({
    clientId: options.clientId ?? 'streamweave',
    brokers,
    ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions } : {}),
    logLevel: sasl ? logLevel.ERROR : logLevel.NOTHING,
    logCreator: () => (entry) => {
      const { message, broker } = entry.log as { message?: unknown; broker?: unknown };
      if (typeof message === 'string' && typeof broker === 'string' && /authentication failed/i.test(message)) refusal = { message, broker };
    },
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 2000 },
  });
  return {
    brokers,
    async consumer(config) {
      // Set by close(): kafkajs restarts a crashed consumer on a timer, and an eachBatch held by
      // the source keeps heart-beating; neither may bring a closed consumer back.
      let closed = false;
      const consumer: Consumer = kafka.consumer({
        groupId: config.groupId,
        retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 2000, restartOnFailure: async (e) => !closed && !isAuthenticationFailure(e) },
        // The Java client's fetch.max.wait.ms; kafkajs' 5 s default makes every close wait for a long poll.
        maxWaitTimeInMs: options.fetchMaxWaitMs ?? 500,
        readUncommitted: config.readCommitted === false,
        ...(config.maxBytes !== undefined ? { maxBytes: config.maxBytes } : {}),
        ...(config.sessionTimeoutMs !== undefined ? { sessionTimeout: config.sessionTimeoutMs, heartbeatInterval: Math.max(100, Math.floor(config.sessionTimeoutMs / 3)) } : {}),
      });
      await consumer.connect().catch((e: unknown) => {
        throw authFailed(e);
      });
      try {
        await consumer.subscribe({ topics: [...config.topics], fromBeginning: config.fromBeginning ?? true });
      } catch (e) {
        await consumer.disconnect().catch(() => undefined);
        throw authFailed(e);
      }
      const removers: Array<() => void> = [];
      return {
        async start(h) {
          removers.push(consumer.on(consumer.events.GROUP_JOIN, (e) => h.onAssign(e.payload.memberAssignment)));
          removers.push(consumer.on(consumer.events.CRASH, (e) => h.onCrash(e.payload.error, e.payload.restart)));
          await consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch, heartbeat }) => {
              const records: KafkaRecord[] = batch.messages.map((m) => ({
                topic: batch.topic,
                partition: batch.partition,
                offset: m.offset,
                key: m.key,
                value: m.value,
                headers: (m.headers ?? {}) as KafkaHeaders,
                timestamp: m.timestamp,
              }));
              if (records.length === 0) return;
              const pending = h.onRecords(records);
              if (!pending) return;
              // The source holds the fetch loop while its buffer is full. kafkajs heartbeats only
              // between batches, so keep heartbeating meanwhile (kafkajs sends one per heartbeat
              // interval at most): a member that joins must not wait for this one to rejoin, and a
              // rebalance error thrown here makes kafkajs rejoin at once (the records are buffered already).
              let settled = false;
              const done = Promise.resolve(pending).finally(() => (settled = true));
              let timer: ReturnType<typeof setTimeout> | undefined;
              while (!settled && !closed) {
                await Promise.race([done, new Promise((r) => (timer = setTimeout(r, 100)))]);
                clearTimeout(timer);
                if (!settled && !closed) await heartbeat();
              }
            },
          });
        },
        pause: (topic, partitions) => consumer.pause([{ topic, partitions: [...partitions] }]),
        resume: (topic, partitions) => consumer.resume([{ topic, partitions: [...partitions] }]),
        seek: (topic, partition, offset) => consumer.seek({ topic, partition, offset }),
        commit: (offsets) =>
          consumer.commitOffsets(toTopicOffsets(offsets).flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, ...p })))),
        async close() {
          closed = true;
          for (const r of removers.splice(0)) r();
          await consumer.disconnect();
        },
      };
    },
    async producer(config) {
      const transactional = config.transactionalId !== undefined;
      const producer: Producer = kafka.producer({
        idempotent: transactional || (config.idempotent ?? true),
        // The idempotent producer keeps ordering only with at most 5 in-flight requests; kafkajs requires 1.
        maxInFlightRequests: transactional || (config.idempotent ?? true) ? 1 : 5,
        ...(transactional ? { transactionalId: config.transactionalId } : {}),
        // A transaction's first produce right after the previous commit gets CONCURRENT_TRANSACTIONS
        // until the commit markers are written (a few ms); kafkajs retries it with the producer's
        // backoff, whose 100 ms start (x2 per retry) made every transaction cost ~0.3-0.7 s. The
        // Java client retries this case after 20 ms (TransactionManager's ADD_PARTITIONS_RETRY_BACKOFF_MS).
        ...(transactional ? { retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 20, maxRetryTime: 2000 } } : {}),
        ...(config.transactionTimeoutMs !== undefined ? { transactionTimeout: config.transactionTimeoutMs } : {}),
      });
      await producer.connect().catch((e: unknown) => {
        throw authFailed(e);
      });
      return {
        async send(messages, compression) {
          if (messages.length === 0) return;
          await producer.sendBatch({ topicMessages: toMessages(messages), compression: codec[compression], acks: -1 });
        },
        async transaction() {
          const txn = await producer.transaction();
          return {
            async send(messages, compression) {
              if (messages.length === 0) return;
              await txn.sendBatch({ topicMessages: toMessages(messages), compression: codec[compression], acks: -1 });
            },
            sendOffsets: (groupId, offsets) => txn.sendOffsets({ consumerGroupId: groupId, topics: toTopicOffsets(offsets) }),
            commit: () => txn.commit(),
            abort: () => txn.abort(),
          };
        },
        close: () => producer.disconnect(),
      };
    },
    async admin() {
      const admin = kafka.admin();
      await admin.connect().catch((e: unknown) => {
        throw authFailed(e);
      });
      return {
        async createTopic(topic, partitions = 1) {
          await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
        },
        async deleteTopic(topic) {
          await admin.deleteTopics({ topics: [topic] });
        },
        async endOffsets(topic) {
          const out: Record<string, string> = {};
          for (const p of await admin.fetchTopicOffsets(topic)) out[String(p.partition)] = p.high;
          return out;
        },
        async groupOffsets(groupId, topic) {
          const out: Record<string, string> = {};
          const res = await admin.fetchOffsets({ groupId, topics: [topic] });
          for (const t of res) for (const p of t.partitions) out[String(p.partition)] = p.offset;
          return out;
        },
        async setGroupOffsets(groupId, offsets) {
          for (const t of toTopicOffsets(offsets)) await admin.setOffsets({ groupId, topic: t.topic, partitions: t.partitions });
        },
        close: () => admin.disconnect(),
      };
    },
  };
}
