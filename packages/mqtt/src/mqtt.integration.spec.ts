import { collect, forEach, fromArray, fromAsyncIterable, map, PipelineAbortedError, pipeline, type RunHandle } from '@streamweave/core';
import { CheckpointCoordinator } from '@streamweave/state';
import type { MqttClient } from 'mqtt';
import { mqttSink, mqttSource, type MqttMessage, type MqttSourceOptions } from './index.js';
import { brokerUp, clearRetained, pub, sub, unique, until, url } from './test-support/services.js';

jest.setTimeout(30_000);

function consume<T = string>(opts: MqttSourceOptions<T>) {
  const seen: Array<MqttMessage<T>> = [];
  let client: MqttClient | undefined;
  let onReady: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const handle: RunHandle<number> = pipeline()
    .from(mqttSource<T>({ url, ...opts, onClient: (c) => ((client = c), onReady()) }))
    .to(forEach((m: MqttMessage<T>) => void seen.push(m)))
    .start();
  return { seen, handle, ready, client: () => client! };
}

const stop = async (h: RunHandle<unknown>) => {
  h.drain();
  return (await h.result).status;
};

(brokerUp() ? describe : describe.skip)('@streamweave/mqtt against Mosquitto', () => {
  it('receives QoS 0, 1 and 2 messages through + and # wildcards, in order', async () => {
    const base = unique('wild');
    const plus = consume({ topics: `${base}/+/temp`, qos: 2 });
    const hash = consume({ topics: `${base}/#`, qos: 1 });
    await Promise.all([plus.ready, hash.ready]);
    pub(`${base}/a/temp`, ['1', '2'], { qos: 0 });
    pub(`${base}/b/temp`, ['3'], { qos: 1 });
    pub(`${base}/b/humidity`, ['4'], { qos: 2 });
    pub(`${base}/c/temp`, ['5'], { qos: 2 });
    await until(() => plus.seen.length === 4 && hash.seen.length === 5, 10_000, 'all messages');
    // Delivered at min(publish QoS, subscription QoS): the QoS 2 subscriber gets QoS 2, the QoS 1 one QoS 1.
    expect(plus.seen.map((m) => [m.topic.slice(base.length), m.payload, m.qos])).toEqual([
      ['/a/temp', '1', 0],
      ['/a/temp', '2', 0],
      ['/b/temp', '3', 1],
      ['/c/temp', '5', 2],
    ]);
    expect(hash.seen.map((m) => [m.topic.slice(base.length), m.payload, m.qos])).toEqual([
      ['/a/temp', '1', 0],
      ['/a/temp', '2', 0],
      ['/b/temp', '3', 1],
      ['/b/humidity', '4', 1],
      ['/c/temp', '5', 1],
    ]);
    expect(await stop(plus.handle)).toBe('drained');
    expect(await stop(hash.handle)).toBe('drained');
  });

  it('a QoS 2 subscription receives a QoS 2 publish with qos 2, exactly once, through PUBREC / PUBREL / PUBCOMP', async () => {
    const topic = unique('qos2');
    const packets: string[] = [];
    const c = consume({ topics: topic, qos: 2 });
    await c.ready;
    c.client().on('packetsend', (p) => void packets.push(`> ${p.cmd}`));
    c.client().on('packetreceive', (p) => void packets.push(`< ${p.cmd}`));
    pub(topic, ['exactly-once'], { qos: 2 });
    await until(() => packets.includes('> pubcomp'), 10_000, 'the PUBCOMP');
    // A later message proves nothing else (no duplicate) was queued before it.
    pub(topic, ['after'], { qos: 2 });
    await until(() => c.seen.length === 2 && packets.filter((p) => p === '> pubcomp').length === 2, 10_000, 'the second message');
    expect(c.seen.map((m) => [m.payload, m.qos, m.retain])).toEqual([
      ['exactly-once', 2, false],
      ['after', 2, false],
    ]);
    expect(packets.filter((p) => p !== '> pingreq' && p !== '< pingresp')).toEqual(['< publish', '> pubrec', '< pubrel', '> pubcomp', '< publish', '> pubrec', '< pubrel', '> pubcomp']);
    expect(await stop(c.handle)).toBe('drained');
  });

  it('a persistent QoS 2 session delivers the messages a stopped run had not taken to the next run, once each', async () => {
    const topic = unique('qos2-session');
    const clientId = unique('cid').replaceAll('/', '-');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const got: Array<[string, number]> = [];
    let ready!: () => void;
    const subscribed = new Promise<void>((r) => (ready = r));
    const stalled = pipeline()
      .from(mqttSource({ url, topics: topic, clientId, qos: 2, onClient: () => ready() }))
      .to(
        forEach(async (m: MqttMessage<string>) => {
          got.push([m.payload, m.qos]);
          await gate;
        }),
      )
      .start({ creditWindow: 1 });
    await subscribed;
    pub(topic, Array.from({ length: 10 }, (_, i) => `m${i}`), { qos: 2 });
    await until(() => got.length === 1, 10_000, 'the first message');
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual([['m0', 2]]);
    stalled.cancel();
    release();
    const aborted = (await stalled.result.catch((e: unknown) => e)) as PipelineAbortedError;
    expect(aborted).toBeInstanceOf(PipelineAbortedError);
    // m0 is in the stalled consumer; m1 may have been taken against the last credit (then it was acknowledged).
    const taken = aborted.stats['mqttSource']!.out;
    expect([1, 2]).toContain(taken);
    const next = consume({ topics: topic, clientId, qos: 2 });
    await next.ready;
    pub(topic, ['end'], { qos: 2 });
    await until(() => next.seen.some((m) => m.payload === 'end'), 10_000, 'the end marker');
    // Every message the stalled run had not taken comes again, once, at QoS 2; none it took comes again.
    expect(next.seen.map((m) => [m.payload, m.qos])).toEqual([...Array.from({ length: 10 - taken }, (_, i) => [`m${i + taken}`, 2]), ['end', 2]]);
    await stop(next.handle);
    const cleanup = consume({ topics: topic, clientId, clean: true });
    await cleanup.ready;
    await stop(cleanup.handle);
  });

  it('a persistent session gets the QoS 1 messages published while the consumer was stopped', async () => {
    const topic = unique('session');
    const clientId = unique('cid').replaceAll('/', '-');
    const first = consume({ topics: topic, clientId, qos: 1 });
    await first.ready;
    pub(topic, ['before']);
    await until(() => first.seen.length === 1, 10_000, 'the first message');
    expect(await stop(first.handle)).toBe('drained');
    pub(topic, ['while-away-1', 'while-away-2', 'while-away-3'], { qos: 1 });
    const second = consume({ topics: topic, clientId, qos: 1 });
    await until(() => second.seen.length === 3, 10_000, 'the queued messages');
    expect(second.seen.map((m) => m.payload)).toEqual(['while-away-1', 'while-away-2', 'while-away-3']);
    await stop(second.handle);
    // Clean up the broker's session.
    const cleanup = consume({ topics: topic, clientId, clean: true });
    await cleanup.ready;
    await stop(cleanup.handle);
  });

  it('shared subscriptions split the messages between two consumers, each message once', async () => {
    const topic = unique('shared');
    const group = `g${Date.now().toString(36)}`;
    const a = consume({ topics: `$share/${group}/${topic}`, qos: 1 });
    const b = consume({ topics: `$share/${group}/${topic}`, qos: 1 });
    await Promise.all([a.ready, b.ready]);
    const sent = Array.from({ length: 40 }, (_, i) => `m${i}`);
    pub(topic, sent);
    await until(() => a.seen.length + b.seen.length === 40, 10_000, 'all 40 messages');
    expect(a.seen.length).toBeGreaterThan(0);
    expect(b.seen.length).toBeGreaterThan(0);
    expect([...a.seen, ...b.seen].map((m) => m.payload).sort()).toEqual([...sent].sort());
    await stop(a.handle);
    await stop(b.handle);
  });

  it('delivers the retained message to a new subscriber, flagged as retained', async () => {
    const topic = unique('retained');
    pub(topic, ['last-known'], { retain: true });
    const c = consume({ topics: topic });
    await until(() => c.seen.length === 1, 10_000, 'the retained message');
    pub(topic, ['live']);
    await until(() => c.seen.length === 2, 10_000, 'the live message');
    expect(c.seen.map((m) => [m.payload, m.retain])).toEqual([
      ['last-known', true],
      ['live', false],
    ]);
    await stop(c.handle);
    clearRetained(topic);
  });

  it('loses no QoS 1 message when our connection is dropped mid-run', async () => {
    const topic = unique('drop');
    const clientId = unique('cid').replaceAll('/', '-');
    const c = consume({ topics: topic, clientId, qos: 1, backoffMs: 50 });
    await c.ready;
    const sent = Array.from({ length: 200 }, (_, i) => `m${i}`);
    pub(topic, sent.slice(0, 100));
    await until(() => c.seen.length >= 20, 10_000, 'some messages');
    let reconnects = 0;
    c.client().on('connect', () => reconnects++);
    // End the client's socket: the broker keeps the session and what was not acknowledged.
    c.client().stream.destroy();
    pub(topic, sent.slice(100));
    await until(() => new Set(c.seen.map((m) => m.payload)).size === 200, 15_000, 'all 200 messages after the reconnect');
    expect([...new Set(c.seen.map((m) => m.payload))].sort()).toEqual([...sent].sort());
    expect(reconnects).toBeGreaterThanOrEqual(1);
    await stop(c.handle);
    const cleanup = consume({ topics: topic, clientId, clean: true });
    await cleanup.ready;
    await stop(cleanup.handle);
  });

  it('does not acknowledge messages the pipeline has not taken: a stalled run leaves them to the next session', async () => {
    const topic = unique('stall');
    const clientId = unique('cid').replaceAll('/', '-');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const got: string[] = [];
    let ready!: () => void;
    const subscribed = new Promise<void>((r) => (ready = r));
    const stalled = pipeline()
      .from(mqttSource({ url, topics: topic, clientId, qos: 1, onClient: () => ready() }))
      .to(
        forEach(async (m: MqttMessage<string>) => {
          got.push(m.payload);
          await gate;
        }),
      )
      .start({ creditWindow: 1 });
    await subscribed;
    pub(topic, Array.from({ length: 50 }, (_, i) => `m${i}`));
    await until(() => got.length === 1, 10_000, 'the first message');
    await new Promise((r) => setTimeout(r, 200));
    // The consumer holds m0; credit is exhausted, so nothing else was taken.
    expect(got).toEqual(['m0']);
    stalled.cancel();
    release();
    await stalled.result.catch(() => undefined);
    const next = consume({ topics: topic, clientId, qos: 1 });
    await until(() => next.seen.length >= 48, 10_000, 'the unacknowledged messages');
    await new Promise((r) => setTimeout(r, 200));
    const payloads = next.seen.map((m) => m.payload);
    // At most the message in the consumer and the one taken against the last credit were acknowledged.
    expect(payloads.length).toBeGreaterThanOrEqual(48);
    expect(payloads.slice(-48)).toEqual(Array.from({ length: 48 }, (_, i) => `m${i + 2}`));
    await stop(next.handle);
    const cleanup = consume({ topics: topic, clientId, clean: true });
    await cleanup.ready;
    await stop(cleanup.handle);
  });

  it('an undecodable payload goes through the error strategy (skip counts it, the rest flows)', async () => {
    const topic = unique('decode');
    const c = consume<{ v: number }>({
      topics: topic,
      decode: (b) => JSON.parse(b.toString()) as { v: number },
      errors: { kind: 'skip' },
      name: 'json',
    });
    await c.ready;
    pub(topic, ['{"v":1}', 'not json', '{"v":3}']);
    await until(() => c.seen.length === 2, 10_000, 'the decodable messages');
    expect(c.seen.map((m) => m.payload)).toEqual([{ v: 1 }, { v: 3 }]);
    await stop(c.handle);
    expect((await c.handle.result).stats.json?.skipped).toBe(1);
  });

  it('an undecodable payload stops the run by default, naming the node, the position and the cause', async () => {
    const topic = unique('decode-stop');
    const c = consume<number>({
      topics: topic,
      decode: (b) => {
        const n = Number(b.toString());
        if (Number.isNaN(n)) throw new Error(`not a number: ${b.toString()}`);
        return n;
      },
    });
    await c.ready;
    pub(topic, ['1', 'x']);
    await expect(c.handle.result).rejects.toThrow(/\[mqttSource "mqttSource", item #1(, attempt 1)?\] .*not a number: x/);
    expect(c.seen.map((m) => m.payload)).toEqual([1]);
  });

  for (const qos of [0, 1, 2] as const) {
    it(`mqttSink publishes at QoS ${qos}, read back by mosquitto_sub`, async () => {
      const topic = unique(`sink${qos}`);
      const reader = await sub(topic, 5, qos);
      await reader.ready;
      const { result } = await pipeline()
        .from(fromArray([1, 2, 3, 4, 5].map((i) => ({ i }))))
        .to(mqttSink({ url, topic, qos, maxInflight: 2 }))
        .run({ creditWindow: 2 });
      expect(result).toEqual({ published: 5 });
      expect(await reader.messages).toEqual([1, 2, 3, 4, 5].map((i) => `${topic} {"i":${i}}`));
    });
  }

  it('under a CheckpointCoordinator a checkpoint completes only once every publish before its barrier was acknowledged', async () => {
    const topic = unique('sink-cp');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* items() {
      for (let i = 0; i < 30; i++) yield { i };
      await gate;
    }
    let emitted = 0;
    let pubacks = 0;
    const coordinator = new CheckpointCoordinator();
    const run = coordinator.run(
      pipeline()
        .from(fromAsyncIterable(items(), { name: 'src' }))
        .pipe(map((x: { i: number }) => (emitted++, x)))
        .to(mqttSink({ url, topic, qos: 1, name: 'out', onClient: (c) => c.on('packetreceive', (p) => void (p.cmd === 'puback' && pubacks++)) })),
    );
    await until(() => emitted === 30, 10_000, '30 items');
    await coordinator.triggerCheckpoint();
    // Checked at once: the checkpoint waited for the 30 PUBACKs.
    expect(pubacks).toBe(30);
    release();
    expect((await run).result).toEqual({ published: 30 });
  });

  it('mqttSink routes by a topic function and publishes retained messages', async () => {
    const base = unique('route');
    const { result } = await pipeline()
      .from(fromArray(['a', 'b']))
      .to(mqttSink({ url, topic: (x: string) => `${base}/${x}`, retain: true }))
      .run();
    expect(result).toEqual({ published: 2 });
    const reader = await sub(`${base}/#`, 2);
    expect((await reader.messages).sort()).toEqual([`${base}/a a`, `${base}/b b`]);
    clearRetained(`${base}/a`);
    clearRetained(`${base}/b`);
  });
});

describe('@streamweave/mqtt bad input', () => {
  it('an unreachable broker fails after bounded retries, naming the address and the cause', async () => {
    const t0 = Date.now();
    const run = pipeline().from(mqttSource({ url: 'mqtt://127.0.0.1:1', topics: 't', retries: 2, backoffMs: 20 })).to(collect()).run();
    await expect(run).rejects.toThrow(/\[mqttSource "mqttSource"\] cannot connect to mqtt:\/\/127\.0\.0\.1:1 after 3 attempts: connect ECONNREFUSED 127\.0\.0\.1:1/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('a sink that cannot reach the broker fails the run', async () => {
    const run = pipeline().from(fromArray(['x'])).to(mqttSink({ url: 'mqtt://user:pw@127.0.0.1:1', topic: 't', retries: 0 })).run();
    await expect(run).rejects.toThrow(/cannot connect to mqtt:\/\/127\.0\.0\.1:1 after 1 attempts/);
  });
});
