import { join } from 'node:path';
import { type ComponentRef, defineProducer, InvalidArgumentError, type JsonValue, type NodeOptions, type Producer, StreamWeaveError } from '@streamweave/core';
import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import { connect, describeUrl, readableCause } from './internal/connect.js';
import { HeldQos2Store } from './internal/heldQos2Store.js';
import { deleteThrough, Journal, JournalError, type JournalRecord } from './internal/journal.js';

/** Quality of service of a subscription or a publish. */
export type QoS = 0 | 1 | 2;

/** One received message. */
export interface MqttMessage<T> {
  /** Topic the message was published to. */
  readonly topic: string;
  /** Payload decoded by the source's `decode` option (UTF-8 text by default). */
  readonly payload: T;
  /** QoS level the message was delivered with. */
  readonly qos: QoS;
  /** True for a retained message delivered on subscribe. */
  readonly retain: boolean;
}

/** Options of {@link mqttSource}. */
export interface MqttSourceOptions<T> extends NodeOptions {
  /** Broker URL (default `mqtt://127.0.0.1:1883`). */
  readonly url?: string;
  /** Topic filters: wildcards `+` / `#`, shared subscriptions `$share/<group>/<filter>`. */
  readonly topics: string | readonly string[];
  /** Subscription QoS (default 1). */
  readonly qos?: QoS;
  /**
   * A fixed client id. With one, the session is persistent (`clean: false`) unless
   * `clean` says otherwise: the broker keeps the subscription and queues QoS ≥ 1
   * messages while this client is away.
   */
  readonly clientId?: string;
  /** Start a clean session (default: false with a `clientId`, true without). */
  readonly clean?: boolean;
  /** Payload → item payload (default: UTF-8 text). A throw goes through the error strategy. */
  readonly decode?: (payload: Buffer, topic: string) => T;
  /** Consecutive failed connection attempts before the source fails (default 5). */
  readonly retries?: number;
  /** First reconnect delay in ms, doubled per failed attempt (default 250, at most `maxBackoffMs`). */
  readonly backoffMs?: number;
  /** Longest reconnect delay in ms (default 10 000). */
  readonly maxBackoffMs?: number;
  /** Other mqtt.js options (username, password, protocolVersion, keepalive, TLS…); not `incomingStore`, which the source sets (QoS 2 acknowledgements wait on it). */
  readonly clientOptions?: IClientOptions;
  /** Called with the mqtt.js client once connected (instrumentation, tests). */
  readonly onClient?: (client: MqttClient) => void;
  /**
   * Write-ahead journal: makes the source replayable and checkpoint-aligned, so a QoS ≥ 1
   * message survives a crash of this process after its acknowledgement. Needs a fixed
   * `clientId` with a persistent session and `qos` ≥ 1. See {@link MqttJournalOptions}.
   */
  readonly journal?: MqttJournalOptions;
}

/**
 * The write-ahead journal of {@link mqttSource}. Each QoS ≥ 1 message the pipeline takes is
 * appended (one `write` per message) to a segment file under `<dir>/<clientId>/` before it
 * is emitted and acknowledged to the broker; the source's position is the journal sequence
 * number of the last message it handed on, recorded at checkpoint barriers; a restored run
 * replays the journaled messages after its checkpoint's position, then continues live;
 * {@link MqttSource.commitCheckpoint} deletes the segments a completed checkpoint covers.
 *
 * @example
 * ```ts
 * const source = mqttSource({ topics: 'meters/#', qos: 1, clientId: 'meters-1', name: 'meters', journal: { dir: './journal' } });
 * const coordinator = new CheckpointCoordinator({ storage: localCheckpointStorage('./checkpoints'), intervalMs: 1000,
 *   onCheckpointComplete: (meta) => void source.commitCheckpoint(meta.positions['meters']).catch((e) => console.warn(e)) });
 * ```
 * @see {@link mqttSource}
 */
export interface MqttJournalOptions {
  /**
   * Directory of journals; this source's journal is the subdirectory named after its `clientId`.
   * A run holds that journal's `lock` file (with its pid) until it ends: a second run on it, in
   * this process or another, fails naming the holder's pid; a lock of a dead process is taken over.
   */
  readonly dir: string;
  /**
   * fsync each appended message before acknowledging it (default false). Without it a
   * message survives a crash of the process (SIGKILL, OOM kill) — it is in the OS page
   * cache once written — but not a power loss or kernel crash.
   */
  readonly fsync?: boolean;
  /** Start a new segment file beyond this many bytes, besides at every checkpoint barrier (default 64 MiB). */
  readonly segmentBytes?: number;
}

/**
 * What {@link mqttSource} returns: a producer plus the checkpoint-completion hook of its
 * journal. Without `journal` the hook does nothing and the producer is not replayable.
 *
 * @example
 * ```ts
 * const source: MqttSource<string> = mqttSource({ topics: 'a/#', clientId: 'c1', name: 'a', journal: { dir: './journal' } });
 * new CheckpointCoordinator({ onCheckpointComplete: (meta) => void source.commitCheckpoint(meta.positions['a']).catch(console.warn) });
 * ```
 * @see {@link MqttJournalOptions}
 */
export interface MqttSource<T> extends Producer<MqttMessage<T>> {
  /**
   * Deletes the journal segments whose messages a checkpoint covers: `position` is what
   * the source reported at that checkpoint's barrier (`meta.positions[<source name>]`).
   * Call it only once the checkpoint is complete and durable. Resolves at once without a journal.
   */
  commitCheckpoint(position: JsonValue | undefined): Promise<void>;
  /** Alias of {@link MqttSource.commitCheckpoint}. */
  onCheckpointComplete(position: JsonValue | undefined): Promise<void>;
}

interface Delivery {
  readonly packet: IPublishPacket;
  readonly ack: () => void;
  readonly connection: number;
}

const utf8 = (payload: Buffer) => payload.toString('utf8');

/**
 * Subscribes to MQTT topic filters and emits each message as an {@link MqttMessage}.
 * Pull-driven: mqtt.js hands over one message at a time (`handleMessage`), and the
 * acknowledgement (PUBACK, or PUBREC for QoS 2) is sent only when the pipeline has
 * taken the message; until then mqtt.js reads nothing more from the socket, so a slow
 * pipeline pushes back to the broker, whose in-flight window bounds what is
 * outstanding. A message not yet taken when the connection drops or the run stops is
 * not acknowledged, so with a persistent session (a `clientId`) the broker delivers
 * it again: at-least-once for QoS ≥ 1. Reconnects with a doubling delay; fails after
 * `retries` consecutive failed attempts with the broker address and the cause.
 *
 * With `journal` (see {@link MqttJournalOptions}) a QoS ≥ 1 message is appended to a local
 * write-ahead journal before it is emitted and acknowledged, the source is replayable
 * (position `{ seq }`, the journal sequence number of the last message handed on) and a
 * message is lost neither across a broker restart nor across a crash of this process:
 * a run restored from a checkpoint replays the journaled messages after the checkpoint's
 * position (through `decode` and the error strategy, like live ones), then continues live.
 * A run started without a restored position replays every message still in the journal,
 * since no checkpoint confirmed them. Wire {@link MqttSource.commitCheckpoint} to the
 * coordinator's `onCheckpointComplete`, or the journal keeps growing.
 *
 * @example
 * ```ts
 * const readings = mqttSource({ topics: 'sensors/+/temperature', qos: 1, clientId: 'ingest-1', decode: (b) => Number(b.toString()) });
 * await pipeline().from(readings).to(forEach((m) => console.log(m.topic, m.payload))).run({ signal });
 * ```
 * @see {@link mqttSink}
 */
export function mqttSource<T = string>(options: MqttSourceOptions<T>): MqttSource<T> {
  if (!options || typeof options !== 'object') throw new InvalidArgumentError('mqttSource: options must be an object');
  const topics = typeof options.topics === 'string' ? [options.topics] : options.topics;
  if (!Array.isArray(topics) || topics.length === 0 || topics.some((t) => typeof t !== 'string' || t === '')) {
    throw new InvalidArgumentError('mqttSource: `topics` must be a non-empty topic filter or a non-empty array of them');
  }
  const qos = options.qos ?? 1;
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new InvalidArgumentError(`mqttSource: \`qos\` must be 0, 1 or 2, got ${String(qos)}`);
  if (options.decode !== undefined && typeof options.decode !== 'function') throw new InvalidArgumentError('mqttSource: `decode` must be a function');
  if (options.clientOptions?.incomingStore !== undefined) {
    throw new InvalidArgumentError('mqttSource: `clientOptions.incomingStore` cannot be set: the source uses its own, so a QoS 2 message is acknowledged (PUBREC) only once the pipeline took it');
  }
  const url = options.url ?? 'mqtt://127.0.0.1:1883';
  const clean = options.clean ?? options.clientId === undefined;
  const decode = (options.decode ?? utf8) as (payload: Buffer, topic: string) => T;
  const journalDir = options.journal === undefined ? undefined : journalDirOf(options, qos, clean);
  const fsync = options.journal?.fsync === true;
  const segmentBytes = options.journal?.segmentBytes;
  // The component of the latest run, for errors of commitCheckpoint (called outside a run).
  let component: ComponentRef | undefined;
  const journalFailure = (e: unknown, c: ComponentRef | undefined): unknown =>
    e instanceof JournalError ? new StreamWeaveError(`write-ahead journal: ${e.message}`, { ...(c ? { component: c } : {}), cause: readableCause(e.cause) }) : e;
  const producer = defineProducer<MqttMessage<T>>('mqttSource', { url: describeUrl(url), topics: [...topics], qos, clean, ...(journalDir ? { journal: journalDir, fsync } : {}) }, options, (ctx) => {
    component = ctx.component;
    let client: MqttClient | undefined;
    const queue: Delivery[] = [];
    let wake: (() => void) | undefined;
    let failure: StreamWeaveError | undefined;
    let connection = 0;
    let position = 0;
    // Journal state: the restored checkpoint position, the journal once opened, the replay in progress.
    let restored: number | undefined;
    let journal: Journal | undefined;
    let replay: Iterator<JournalRecord> | undefined;
    let lastSeq = 0;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const start = async (): Promise<MqttClient> => {
      const c = await connect(
        ctx.component,
        {
          url,
          retries: options.retries ?? 5,
          backoffMs: options.backoffMs ?? 250,
          maxBackoffMs: options.maxBackoffMs ?? 10_000,
          options: {
            ...options.clientOptions,
            clean,
            ...(options.clientId ? { clientId: options.clientId } : {}),
            // QoS 2: the PUBREC waits until the pipeline took the message (see heldQos2Store.ts).
            incomingStore: new HeldQos2Store((packet, release) => {
              queue.push({ packet, ack: release, connection });
              notify();
            }),
          },
        },
        (e) => {
          failure = e;
          notify();
        },
        (c) => {
          c.handleMessage = (packet, done) => {
            // A QoS 2 message was handed over (and taken) at its PUBLISH already; this is its PUBREL.
            if (packet.qos === 2) return done();
            queue.push({ packet, ack: () => done(), connection });
            notify();
          };
          c.on('connect', () => connection++);
          c.on('close', () => {
            // Unacknowledged QoS >= 1 messages of a persistent session come again on the next connection.
            if (clean) return;
            for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.packet.qos > 0 && queue[i]!.connection === connection) queue.splice(i, 1);
          });
        },
      );
      // Not awaited before pulling: a persistent session's queued messages arrive before the
      // SUBACK, and mqtt.js reads the SUBACK only once those were taken.
      c.subscribeAsync([...topics], { qos }).then(
        (granted) => {
          const refused = granted.filter((g) => g.qos === 128);
          if (refused.length === 0) return options.onClient?.(c);
          failure ??= new StreamWeaveError(`the broker at ${describeUrl(url)} refused the subscription to ${refused.map((g) => g.topic).join(', ')}`, { component: ctx.component });
          notify();
        },
        (e: unknown) => {
          failure ??= new StreamWeaveError(`could not subscribe at ${describeUrl(url)}`, { component: ctx.component, cause: e });
          notify();
        },
      );
      return c;
    };
    /** Decodes through the error strategy: the item, undefined when skipped / dead-lettered; throws on stop. */
    const toItem = (topic: string, raw: Buffer, q: QoS, retain: boolean): MqttMessage<T> | undefined => {
      for (let attempt = 1; ; attempt++) {
        try {
          return { topic, payload: decode(raw, topic), qos: q, retain };
        } catch (e) {
          const decision = ctx.fail(e, { topic, payload: String(raw) }, position, attempt);
          if (decision.action === 'stop') throw decision.error;
          if (decision.action === 'retry') continue;
          return undefined;
        }
      }
    };
    const openJournal = (dir: string) => {
      try {
        journal = Journal.open(dir, { fsync, ...(segmentBytes === undefined ? {} : { segmentBytes }) }, restored === undefined ? 1 : restored + 1);
      } catch (e) {
        throw journalFailure(e, ctx.component);
      }
      if (restored !== undefined && journal.firstSeq > restored + 1) {
        throw new StreamWeaveError(
          `write-ahead journal ${dir} starts at seq ${journal.firstSeq}, but the restored checkpoint needs every message after seq ${restored}: ` +
            `seq ${restored + 1}–${journal.firstSeq - 1} were deleted when a later checkpoint completed (restoring an older checkpoint than the latest complete one loses them)`,
          { component: ctx.component },
        );
      }
      lastSeq = restored ?? 0;
      // Without a restored position nothing confirmed the journaled messages: replay them all.
      replay = journal.replay(lastSeq);
    };
    /** Emits up to `demand` journaled messages after the restored position; returns how many (the replay is done once `replay` is unset). */
    const replayInto = (emit: (item: MqttMessage<T>) => void, demand: number): number => {
      let n = 0;
      while (n < demand) {
        let next: IteratorResult<JournalRecord>;
        try {
          next = replay!.next();
        } catch (e) {
          throw journalFailure(e, ctx.component);
        }
        if (next.done) {
          replay = undefined;
          break;
        }
        const r = next.value;
        const item = toItem(r.topic, r.payload, r.qos as QoS, r.retain);
        position++;
        lastSeq = r.seq;
        if (item !== undefined) {
          emit(item);
          n++;
        }
      }
      return n;
    };
    return {
      ...(journalDir === undefined
        ? {}
        : {
            position(): JsonValue {
              // A barrier: the journal's next message starts a new segment, so a completed checkpoint deletes whole files.
              journal?.roll();
              return { seq: journal === undefined ? (restored ?? 0) : lastSeq };
            },
            seek(p: JsonValue) {
              restored = parsePosition(p);
            },
          }),
      async pull(emit, demand) {
        let n = 0;
        if (journalDir !== undefined) {
          if (journal === undefined) openJournal(journalDir);
          if (replay !== undefined) {
            n = replayInto(emit, demand);
            // Replay before connecting: a live message held meanwhile would stall mqtt.js's connection.
            if (replay !== undefined || n > 0) return true;
          }
        }
        client ??= await start();
        while (n < demand) {
          if (failure) throw failure;
          const d = queue.shift();
          if (d === undefined) {
            if (n > 0 || ctx.signal.aborted) return true;
            // Bounded wait, so a drain or a cancellation is noticed between messages.
            await new Promise<void>((resolve) => {
              const cancel = ctx.clock.schedule(resolve, 100);
              wake = () => {
                cancel();
                resolve();
              };
            });
            if (queue.length === 0 && !failure) return true;
            continue;
          }
          const p = d.packet;
          const item = toItem(p.topic, p.payload as Buffer, p.qos, p.retain);
          position++;
          if (item !== undefined) {
            if (journal !== undefined && p.qos > 0) {
              // Written before the acknowledgement: from here on the journal, not the broker, holds the message.
              try {
                lastSeq = journal.append(p.qos, p.retain, p.topic, p.payload as Buffer);
              } catch (e) {
                // Not acknowledged: the broker delivers it again to the next session.
                throw journalFailure(e, ctx.component);
              }
            }
            emit(item);
            n++;
          }
          // Taken by the pipeline (or skipped / dead-lettered by the error strategy): acknowledge.
          d.ack();
        }
        return true;
      },
      async close() {
        const c = client;
        client = undefined;
        notify();
        // A replay cut short holds a segment file open.
        replay?.return?.(undefined);
        replay = undefined;
        journal?.close();
        // Messages still queued are not acknowledged: the broker keeps them for the next session.
        await c?.endAsync(true);
      },
    };
  });
  const commitCheckpoint = async (p: JsonValue | undefined): Promise<void> => {
    if (journalDir === undefined || p === undefined) return;
    const seq = parsePosition(p);
    try {
      deleteThrough(journalDir, seq);
    } catch (e) {
      throw journalFailure(e, component);
    }
  };
  return { ...producer, commitCheckpoint, onCheckpointComplete: commitCheckpoint };
}

/** The journal directory of this client; the options a journal needs are checked here. */
function journalDirOf(options: MqttSourceOptions<unknown>, qos: QoS, clean: boolean): string {
  const j = options.journal!;
  if (!j || typeof j !== 'object' || typeof j.dir !== 'string' || j.dir === '') {
    throw new InvalidArgumentError('mqttSource: `journal.dir` must be a non-empty directory path');
  }
  if (typeof options.clientId !== 'string' || options.clientId === '' || clean) {
    throw new InvalidArgumentError(
      'mqttSource: `journal` needs a fixed `clientId` and a persistent session (`clean: false`): the journal replays only what the broker no longer keeps for that session',
    );
  }
  if (qos === 0) throw new InvalidArgumentError('mqttSource: `journal` needs `qos` 1 or 2 (QoS 0 messages are never redelivered, so there is nothing to journal)');
  if (j.segmentBytes !== undefined && (!Number.isInteger(j.segmentBytes) || j.segmentBytes < 1)) {
    throw new InvalidArgumentError(`mqttSource: \`journal.segmentBytes\` must be a positive integer, got ${String(j.segmentBytes)}`);
  }
  // One directory per client id; escaped so an id cannot name a path ("../x", "a/b").
  return join(j.dir, encodeURIComponent(options.clientId).replace(/\./g, '%2E'));
}

function parsePosition(p: JsonValue): number {
  const seq = (p as { seq?: unknown } | null)?.seq;
  if (p === null || typeof p !== 'object' || Array.isArray(p) || typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0) {
    throw new InvalidArgumentError(`mqttSource: a journal position must look like { seq: <n> }, got ${JSON.stringify(p)}`);
  }
  return seq;
}
