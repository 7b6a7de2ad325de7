import { collect, fromArray, fromAsyncIterable, map, pipeline, StreamWeaveError } from '@streamweave/core';
import type { IClientOptions } from 'mqtt';
import { mqttSink, mqttSource, type MqttMessage } from './index.js';
import { privateMosquittoAvailable, type PrivateMosquitto, startPrivateMosquitto } from './test-support/privateMosquitto.js';
import { until } from './test-support/services.js';

jest.setTimeout(30_000);

const user = 'sw-bob';
const password = 'sw-bob-pw';
// Many slow retries: failing within 3 s with one connection shows that none was made.
const resilience = { retries: 20, backoffMs: 50 };
/** Mosquitto 2.0 answers a wrong password as it answers no login: "not authorised" (CONNACK 5, MQTT 5 reason 135). */
const notAuthorized = 'Connection refused: Not authorized';

(privateMosquittoAvailable('MQTT authentication', ['mosquitto_passwd']) ? describe : describe.skip)('@streamweave/mqtt against a broker that requires a login (private Mosquitto, allow_anonymous false)', () => {
  let broker: PrivateMosquitto;
  beforeAll(async () => {
    broker = await startPrivateMosquitto({ persistence: false, users: { [user]: password } });
  });
  afterAll(() => broker?.destroy());

  const refusals = () => broker.log().filter((l) => l.endsWith(' disconnected, not authorised.')).length;
  /**
   * Runs `run`; returns its rejection, how long it took, and how many logins the broker
   * refused meanwhile (every attempt is one: a reconnect would be another).
   */
  const failure = async (run: () => Promise<unknown>) => {
    const r0 = refusals();
    const t0 = Date.now();
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    const ms = Date.now() - t0;
    // Long enough for several reconnects 50 ms apart, had any been made.
    await new Promise((r) => setTimeout(r, 400));
    return { error: error as StreamWeaveError & { cause?: Error & { code?: number } }, ms, refused: refusals() - r0 };
  };

  const cases: Array<[string, number, IClientOptions]> = [
    ['a wrong password', 5, { username: user, password: 'wrong' }],
    ['no login (anonymous)', 5, {}],
    ['a wrong password over MQTT 5', 135, { username: user, password: 'wrong', protocolVersion: 5 }],
    ['no login over MQTT 5', 135, { protocolVersion: 5 }],
  ];

  it.each(cases)('the source fails at once with "authentication failed at <broker>", given %s (CONNACK %d)', async (_, code, clientOptions) => {
    const r = await failure(() => pipeline().from(mqttSource({ url: broker.url, topics: 't', clientOptions, ...resilience })).to(collect()).run());
    expect(r.error).toBeInstanceOf(StreamWeaveError);
    expect(r.error.message).toBe(`[mqttSource "mqttSource"] authentication failed at mqtt://127.0.0.1:${broker.port}: ${notAuthorized}`);
    expect(r.error.component).toEqual({ id: 'mqttSource', type: 'mqttSource' });
    expect(r.error.cause?.code).toBe(code);
    expect(r.ms).toBeLessThan(3000);
    expect(r.refused).toBe(1);
  });

  it.each(cases)('the sink fails at once with "authentication failed at <broker>", given %s (CONNACK %d)', async (_, code, clientOptions) => {
    const r = await failure(() =>
      pipeline()
        .from(fromArray(['a', 'b']))
        .to(mqttSink({ url: broker.url, topic: 't', clientOptions, ...resilience }))
        .run(),
    );
    expect(r.error).toBeInstanceOf(StreamWeaveError);
    expect(r.error.message).toBe(`[mqttSink "mqttSink"] authentication failed at mqtt://127.0.0.1:${broker.port}: ${notAuthorized}`);
    expect(r.error.cause?.code).toBe(code);
    expect(r.ms).toBeLessThan(3000);
    expect(r.refused).toBe(1);
  });

  it('credentials in the URL that the broker refuses are not shown in the error', async () => {
    const r = await failure(() => pipeline().from(mqttSource({ url: `mqtt://${user}:not-${password}@127.0.0.1:${broker.port}`, topics: 't', ...resilience })).to(collect()).run());
    expect(r.error.message).toBe(`[mqttSource "mqttSource"] authentication failed at mqtt://127.0.0.1:${broker.port}: ${notAuthorized}`);
    expect(r.error.message).not.toContain(password);
    expect(r.refused).toBe(1);
  });

  it('with the right login (options, and in the URL) the sink publishes and the source receives every message', async () => {
    const values = Array.from({ length: 20 }, (_, i) => `m${i}`);
    const got: string[] = [];
    let subscribed!: () => void;
    const ready = new Promise<void>((r) => (subscribed = r));
    const handle = pipeline()
      .from(mqttSource({ url: `mqtt://${user}:${password}@127.0.0.1:${broker.port}`, topics: 'sw-auth/ok', qos: 1, onClient: () => subscribed() }))
      .pipe(map((m: MqttMessage<string>) => (got.push(m.payload), m.payload)))
      .to(collect())
      .start();
    await ready;
    const sink = await pipeline()
      .from(fromArray(values))
      .to(mqttSink({ url: broker.url, topic: 'sw-auth/ok', qos: 1, clientOptions: { username: user, password } }))
      .run();
    expect(sink.result).toEqual({ published: 20 });
    await until(() => got.length === 20, 10_000, '20 messages');
    handle.drain();
    expect((await handle.result).result).toEqual(values);
  });

  it('a password changed while running: after a broker restart the source and the sink (with a publish queued meanwhile) fail with "authentication failed", one refused reconnect each', async () => {
    const rotating = 'sw-rotating';
    broker.setPassword(rotating, 'old-pw');
    await broker.stop();
    await broker.start();
    const clientOptions = { username: rotating, password: 'old-pw' };
    const ac = new AbortController();
    let release = () => {};
    try {
      const got: string[] = [];
      let subscribed!: () => void;
      const ready = new Promise<void>((r) => (subscribed = r));
      const sourceRun = pipeline()
        .from(mqttSource({ url: broker.url, topics: 'sw-auth/rot', qos: 1, clientOptions, ...resilience, onClient: () => subscribed(), name: 'in' }))
        .pipe(map((m: MqttMessage<string>) => (got.push(m.payload), m.payload)))
        .to(collect())
        .run({ signal: ac.signal });
      sourceRun.catch(() => undefined);
      await ready;
      const gate = new Promise<void>((r) => (release = r));
      async function* items() {
        yield 'before';
        await gate;
        yield 'after';
      }
      const sent: string[] = [];
      const sinkRun = pipeline()
        .from(fromAsyncIterable(items()))
        .pipe(map((s: string) => (sent.push(s), s)))
        .to(mqttSink({ url: broker.url, topic: 'sw-auth/rot', qos: 1, clientOptions, ...resilience, name: 'out' }))
        .run({ signal: ac.signal });
      sinkRun.catch(() => undefined);
      await until(() => got.length === 1, 10_000, 'the first message through both nodes');

      broker.setPassword(rotating, 'new-pw');
      const r0 = refusals();
      await broker.stop();
      // Published while the broker is down: mqtt.js queues it, and drops it when the login is refused.
      release();
      await until(() => sent.length === 2, 5000, 'the second item in the sink');
      await broker.start();
      const expected = (node: string, name: string) => `[${node} "${name}"] authentication failed at mqtt://127.0.0.1:${broker.port}: ${notAuthorized}`;
      await expect(sourceRun).rejects.toThrow(expected('mqttSource', 'in'));
      await expect(sinkRun).rejects.toThrow(expected('mqttSink', 'out'));
      await new Promise((r) => setTimeout(r, 400));
      expect(refusals() - r0).toBe(2);
      expect(got).toEqual(['before']);
    } finally {
      // Only when an assertion failed: nothing left running.
      release();
      ac.abort();
    }
  });
});
