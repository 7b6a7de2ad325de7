/** Connecting with bounded retries and a doubling reconnect delay, with errors that name the broker and the cause. */
import { type ComponentRef, StreamWeaveError } from '@streamweave/core';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** How to reach the broker and how hard to try. */
export interface ConnectSettings {
  readonly url: string;
  readonly options: IClientOptions;
  /** Consecutive failed connection attempts tolerated before the node fails. */
  readonly retries: number;
  /** First reconnect delay in ms, doubled per failed attempt up to `maxBackoffMs`. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

/** The broker address without credentials. */
export const describeUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//');

/** CONNACK return codes (MQTT 3.1.1) and reason codes (MQTT 5) that mean the credentials were refused. */
const authCodes = new Set([4, 5, 134, 135]);

/**
 * Connects and keeps reconnecting with backoff; `onFatal` is called once when the
 * broker refused the credentials or `retries` consecutive attempts failed. Resolves
 * with the client once the first connection is up, rejects with that fatal error.
 */
export function connect(component: ComponentRef, s: ConnectSettings, onFatal: (e: StreamWeaveError) => void, setup?: (client: MqttClient) => void): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(s.url, { reconnectPeriod: s.backoffMs, connectTimeout: 5000, ...s.options });
    // Before any packet is read: a persistent session's queued messages follow the CONNACK at once.
    setup?.(client);
    let failures = 0;
    let lastError: unknown;
    let connected = false;
    let fatal = false;
    const die = (e: StreamWeaveError) => {
      if (fatal) return;
      fatal = true;
      client.end(true);
      if (connected) onFatal(e);
      else reject(e);
    };
    client.on('connect', () => {
      failures = 0;
      client.options.reconnectPeriod = s.backoffMs;
      if (!connected) {
        connected = true;
        resolve(client);
      }
    });
    client.on('error', (e: Error & { code?: unknown }) => {
      lastError = e;
      if (typeof e.code === 'number' && authCodes.has(e.code)) {
        die(new StreamWeaveError(`authentication failed at ${describeUrl(s.url)}`, { component, cause: e }));
      }
    });
    client.on('close', () => {
      if (fatal || client.disconnecting) return;
      failures++;
      if (failures > s.retries) {
        die(
          new StreamWeaveError(`cannot connect to ${describeUrl(s.url)} after ${failures} attempts`, {
            component,
            cause: readableCause(lastError ?? new Error('connection closed')),
          }),
        );
        return;
      }
      client.options.reconnectPeriod = Math.min(s.maxBackoffMs, s.backoffMs * 2 ** (failures - 1));
    });
  });
}

/**
 * A cause whose message reads well: Node reports a refused connection to a name with
 * several addresses as an AggregateError with an empty message (its first error is
 * used), and an error made in another realm (a native driver, a test sandbox) is not
 * `instanceof Error`, which would print as JSON.
 */
export function readableCause(e: unknown): unknown {
  let c = e as { message?: unknown; errors?: unknown; code?: unknown } | null;
  if (c && typeof c === 'object' && c.message === '' && Array.isArray(c.errors) && c.errors.length > 0) c = c.errors[0] as typeof c;
  if (c && typeof c === 'object' && !(c instanceof Error) && typeof c.message === 'string') return Object.assign(new Error(c.message), { code: c.code, cause: c });
  return c;
}
