import { defineProducer, InvalidArgumentError, type NodeOptions, type Producer, StreamWeaveError } from '@streamweave/core';
import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import { connect, describeUrl } from './internal/connect.js';

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
  /** Other mqtt.js options (username, password, protocolVersion, keepalive, TLS…). */
  readonly clientOptions?: IClientOptions;
  /** Called with the mqtt.js client once connected (instrumentation, tests). */
  readonly onClient?: (client: MqttClient) => void;
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
 * acknowledgement (PUBACK, or PUBCOMP for QoS 2) is sent only when the pipeline has
 * taken the message; until then mqtt.js reads nothing more from the socket, so a slow
 * pipeline pushes back to the broker, whose in-flight window bounds what is
 * outstanding. A message not yet taken when the connection drops or the run stops is
 * not acknowledged, so with a persistent session (a `clientId`) the broker delivers
 * it again: at-least-once for QoS ≥ 1. Reconnects with a doubling delay; fails after
 * `retries` consecutive failed attempts with the broker address and the cause.
 *
 * @example
 * ```ts
 * const readings = mqttSource({ topics: 'sensors/+/temperature', qos: 1, clientId: 'ingest-1', decode: (b) => Number(b.toString()) });
 * await pipeline().from(readings).to(forEach((m) => console.log(m.topic, m.payload))).run({ signal });
 * ```
 * @see {@link mqttSink}
 */
export function mqttSource<T = string>(options: MqttSourceOptions<T>): Producer<MqttMessage<T>> {
  if (!options || typeof options !== 'object') throw new InvalidArgumentError('mqttSource: options must be an object');
  const topics = typeof options.topics === 'string' ? [options.topics] : options.topics;
  if (!Array.isArray(topics) || topics.length === 0 || topics.some((t) => typeof t !== 'string' || t === '')) {
    throw new InvalidArgumentError('mqttSource: `topics` must be a non-empty topic filter or a non-empty array of them');
  }
  const qos = options.qos ?? 1;
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new InvalidArgumentError(`mqttSource: \`qos\` must be 0, 1 or 2, got ${String(qos)}`);
  if (options.decode !== undefined && typeof options.decode !== 'function') throw new InvalidArgumentError('mqttSource: `decode` must be a function');
  const url = options.url ?? 'mqtt://127.0.0.1:1883';
  const clean = options.clean ?? options.clientId === undefined;
  const decode = (options.decode ?? utf8) as (payload: Buffer, topic: string) => T;
  return defineProducer<MqttMessage<T>>('mqttSource', { url: describeUrl(url), topics: [...topics], qos, clean }, options, (ctx) => {
    let client: MqttClient | undefined;
    const queue: Delivery[] = [];
    let wake: (() => void) | undefined;
    let failure: StreamWeaveError | undefined;
    let connection = 0;
    let position = 0;
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
          options: { ...options.clientOptions, clean, ...(options.clientId ? { clientId: options.clientId } : {}) },
        },
        (e) => {
          failure = e;
          notify();
        },
        (c) => {
          c.handleMessage = (packet, done) => {
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
    return {
      async pull(emit, demand) {
        client ??= await start();
        let n = 0;
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
          let item: MqttMessage<T> | undefined;
          for (let attempt = 1; item === undefined; attempt++) {
            try {
              const payload = decode(d.packet.payload as Buffer, d.packet.topic);
              item = { topic: d.packet.topic, payload, qos: d.packet.qos, retain: d.packet.retain };
            } catch (e) {
              const decision = ctx.fail(e, { topic: d.packet.topic, payload: String(d.packet.payload) }, position, attempt);
              if (decision.action === 'stop') throw decision.error;
              if (decision.action === 'retry') continue;
              break;
            }
          }
          position++;
          if (item !== undefined) {
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
        // Messages still queued are not acknowledged: the broker keeps them for the next session.
        await c?.endAsync(true);
      },
    };
  });
}
