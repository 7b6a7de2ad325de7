import { type Consumer, type CreditHold, defineConsumer, InvalidArgumentError, isCheckpointBarrier, type NodeOptions, StreamWeaveError } from '@streamweave/core';
import { stateRuntimeOf } from '@streamweave/state';
import type { IClientOptions, MqttClient } from 'mqtt';
import { connect, describeUrl } from './internal/connect.js';
import type { QoS } from './mqttSource.js';

/** Options of {@link mqttSink}. */
export interface MqttSinkOptions<T> extends NodeOptions {
  /** Broker URL (default `mqtt://127.0.0.1:1883`). */
  readonly url?: string;
  /** The topic, or a function of the item. */
  readonly topic: string | ((item: T) => string);
  /** Publish QoS (default 1). */
  readonly qos?: QoS;
  /** Publish as retained messages (the broker keeps the last one per topic for new subscribers). */
  readonly retain?: boolean;
  /** Item → payload (default: strings and Buffers as they are, anything else as JSON). */
  readonly encode?: (item: T) => string | Buffer;
  /** A fixed client id (default: generated). */
  readonly clientId?: string;
  /** Unacknowledged publishes before the sink holds back the source (default 1000). */
  readonly maxInflight?: number;
  /** Consecutive failed connection attempts before the sink fails (default 5). */
  readonly retries?: number;
  /** First reconnect delay in ms, doubled per failed attempt (default 250). */
  readonly backoffMs?: number;
  /** Longest reconnect delay in ms (default 10 000). */
  readonly maxBackoffMs?: number;
  /** Other mqtt.js options (username, password, protocolVersion, TLS…). */
  readonly clientOptions?: IClientOptions;
  /** Called with the mqtt.js client once connected (instrumentation, tests). */
  readonly onClient?: (client: MqttClient) => void;
}

/** What {@link mqttSink} resolves to. */
export interface MqttSinkResult {
  /** Messages published (acknowledged by the broker for QoS ≥ 1). */
  readonly published: number;
}

const defaultEncode = (item: unknown): string | Buffer => (typeof item === 'string' || Buffer.isBuffer(item) ? item : JSON.stringify(item));

/**
 * Publishes each item to MQTT. Publishes are pipelined in order, never awaited one by
 * one; beyond `maxInflight` unacknowledged ones (PUBACK for QoS 1, PUBCOMP for QoS 2)
 * each publish holds a unit of the run's credit, given back once half of the window was
 * acknowledged, so memory stays bounded by `maxInflight` plus the credit window, and the
 * run ends only when every message was acknowledged. A checkpoint barrier waits until
 * every publish before it was acknowledged; under a `CheckpointCoordinator` the sink takes
 * part in checkpoints, so a checkpoint never completes with publishes still in flight. mqtt.js queues publishes made
 * while reconnecting and resends unacknowledged QoS ≥ 1 messages, so a dropped
 * connection loses nothing at QoS ≥ 1 (duplicates are possible at QoS 1).
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray([{ id: 1, t: 21.5 }])).to(mqttSink({ topic: (r) => `sensors/${r.id}`, qos: 1 })).run();
 * ```
 * @see {@link mqttSource}
 */
export function mqttSink<T>(options: MqttSinkOptions<T>): Consumer<T, MqttSinkResult> {
  if (!options || typeof options !== 'object') throw new InvalidArgumentError('mqttSink: options must be an object');
  if (!((typeof options.topic === 'string' && options.topic !== '') || typeof options.topic === 'function')) {
    throw new InvalidArgumentError('mqttSink: `topic` must be a non-empty string or a function of the item');
  }
  const qos = options.qos ?? 1;
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new InvalidArgumentError(`mqttSink: \`qos\` must be 0, 1 or 2, got ${String(qos)}`);
  const url = options.url ?? 'mqtt://127.0.0.1:1883';
  const topicOf = typeof options.topic === 'string' ? ((t: string) => () => t)(options.topic) : options.topic;
  const encode = (options.encode ?? defaultEncode) as (item: T) => string | Buffer;
  const retain = options.retain ?? false;
  const maxInflight = options.maxInflight ?? 1000;
  if (!Number.isInteger(maxInflight) || maxInflight < 1) throw new InvalidArgumentError(`mqttSink: \`maxInflight\` must be a positive integer, got ${String(options.maxInflight)}`);
  return defineConsumer<T, MqttSinkResult>('mqttSink', { url: describeUrl(url), qos, retain }, options, (ctx) => {
    let client: Promise<MqttClient> | undefined;
    let failure: StreamWeaveError | undefined;
    let published = 0;
    let inflight = 0;
    // Set once connected and every publish queued before that was handed to mqtt.js: from then
    // on publishes go straight to mqtt.js, which keeps them in order.
    let direct: MqttClient | undefined;
    let queuedBeforeConnect = 0;
    // Called whenever nothing is in flight (every publish so far acknowledged).
    let idlers: Array<() => void> = [];
    const idle = () => {
      const waiting = idlers;
      idlers = [];
      for (const w of waiting) w();
    };
    // At once after the connection failed for good: mqtt.js drops the publishes queued while
    // reconnecting without calling them back, and they would be waited for forever.
    const whenIdle = (): Promise<void> => (inflight === 0 || failure ? Promise.resolve() : new Promise((resolve) => idlers.push(resolve)));
    // Under a CheckpointCoordinator: a participant without state whose (empty) snapshot is
    // reported once every publish before the barrier was acknowledged by the broker.
    const runtime = stateRuntimeOf(ctx);
    runtime?.register({ id: ctx.id, type: ctx.descriptor.type });
    const settled = () => whenIdle().then(() => {
      if (failure) throw failure;
    });
    const publishOptions = { qos, retain };
    const held: CreditHold[] = [];
    const lowWater = Math.floor(maxInflight / 2);
    const releaseHeld = () => {
      for (const h of held.splice(0)) h.release();
    };
    const open = () =>
      (client ??= connect(
        ctx.component,
        {
          url,
          retries: options.retries ?? 5,
          backoffMs: options.backoffMs ?? 250,
          maxBackoffMs: options.maxBackoffMs ?? 10_000,
          options: { ...options.clientOptions, ...(options.clientId ? { clientId: options.clientId } : {}) },
        },
        (e) => {
          failure ??= e;
          releaseHeld();
          idle();
        },
      ).then((c) => {
        options.onClient?.(c);
        return c;
      }));
    return {
      item(value, position) {
        if (failure) throw failure;
        const item = value as T;
        const topic = topicOf(item);
        const payload = encode(item);
        // Credit is held only beyond `maxInflight` unacknowledged publishes, and given back all at
        // once when half of them were acknowledged: releasing per acknowledgement would wake the
        // source once per message, far slower than mqtt.js pipelines.
        if (inflight >= maxInflight) held.push(ctx.hold());
        inflight++;
        // A callback, not a promise per message: the acknowledgement (PUBACK / PUBCOMP) settles it.
        const done = (e?: unknown) => {
          if (e) failure ??= e instanceof StreamWeaveError ? e : new StreamWeaveError(`could not publish to ${topic}`, { component: ctx.component, position, cause: e });
          else published++;
          inflight--;
          if (held.length > 0 && (inflight <= lowWater || failure)) releaseHeld();
          if (inflight === 0) idle();
        };
        if (direct) {
          direct.publish(topic, payload, publishOptions, done);
          return;
        }
        queuedBeforeConnect++;
        open().then(
          (c) => {
            if (--queuedBeforeConnect === 0) direct = c;
            c.publish(topic, payload, publishOptions, done);
          },
          (e: unknown) => {
            queuedBeforeConnect--;
            done(e);
          },
        );
      },
      signal(s) {
        if (!isCheckpointBarrier(s)) return;
        // Later items wait until everything before the barrier is acknowledged (their publishes
        // are the only ones in flight then), and only then is the barrier acknowledged.
        const done = settled();
        runtime?.snapshotTaken(ctx.id, s.checkpointId, done.then(() => []));
        return done;
      },
      async complete() {
        const done = settled();
        runtime?.snapshotTaken(ctx.id, 'end', done.then(() => []));
        await done;
        return { published };
      },
      teardown() {
        releaseHeld();
        const end = () => void client?.then((c) => c.endAsync()).catch(() => undefined);
        void whenIdle().then(end);
      },
    };
  });
}
