import { forEach, fromAsyncIterable, pipeline } from '@streamweave/core';
import { mqttSink, mqttSource, type MqttMessage } from './index.js';
import { privateMosquittoAvailable, type PrivateMosquitto, startPrivateMosquitto } from './test-support/privateMosquitto.js';
import { until } from './test-support/services.js';

jest.setTimeout(90_000);

(privateMosquittoAvailable() ? describe : describe.skip)('@streamweave/mqtt across a Mosquitto restart (private broker, persistence on)', () => {
  let broker: PrivateMosquitto;
  beforeAll(async () => {
    broker = await startPrivateMosquitto();
  });
  afterAll(() => broker?.destroy());

  it('a persistent QoS 1 session loses no message when the broker restarts mid-run (at-least-once, duplicates counted)', async () => {
    const total = 600;
    const topic = 'sw-restart/in';
    const seen: string[] = [];
    let subscribed!: () => void;
    const ready = new Promise<void>((r) => (subscribed = r));
    let connects = 0;
    const handle = pipeline()
      .from(
        mqttSource({
          url: broker.url,
          topics: topic,
          qos: 1,
          clientId: 'sw-restart-consumer',
          retries: 50,
          backoffMs: 50,
          maxBackoffMs: 200,
          onClient: (c) => {
            c.on('connect', () => connects++);
            subscribed();
          },
        }),
      )
      .to(forEach((m: MqttMessage<string>) => void seen.push(m.payload)))
      .start();
    await ready;
    // An independent publisher (mosquitto_pub, QoS 1) sends 20 messages per call and retries while the broker is down.
    let produced = 0;
    let producerRetries = 0;
    const producer = (async () => {
      while (produced < total) {
        try {
          await broker.pub(topic, Array.from({ length: 20 }, (_, i) => `m${produced + i + 1}`));
          produced += 20;
        } catch {
          producerRetries++;
        }
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    await until(() => seen.length >= 100, 20_000, 'the first messages');
    const atCrash = { produced, received: new Set(seen).size };
    const before = broker.pid();
    // A clean broker restart: SIGTERM saves sessions and queued messages to the persistence file.
    await broker.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await broker.start();
    expect(broker.pid()).not.toBe(before);
    await producer;
    expect(atCrash.produced).toBeLessThan(total);
    await until(() => new Set(seen).size === total, 60_000, `all ${total} messages`);
    handle.drain();
    await handle.result;
    expect(new Set(seen)).toEqual(new Set(Array.from({ length: total }, (_, i) => `m${i + 1}`)));
    expect(connects).toBeGreaterThanOrEqual(1);
    console.info(
      `MQTT across a broker restart: at the restart ${atCrash.produced} published, ${atCrash.received} received; in the end ${total} distinct of ${seen.length} received (${seen.length - total} duplicates, including messages mosquitto_pub sent again after a failed call); reconnects ${connects}, publisher retries ${producerRetries}`,
    );
  });

  it('mqttSink loses no QoS 1 message when the broker restarts mid-run (read back by mosquitto_sub with a persistent session)', async () => {
    const total = 400;
    const topic = 'sw-restart/out';
    const reader = broker.sub(topic, 'sw-restart-reader');
    // mosquitto_sub gives no "subscribed" signal: wait until a probe message arrives.
    await until(() => {
      void broker.pub(topic, ['probe']).catch(() => undefined);
      return reader.lines.includes('probe');
    }, 10_000, 'the reader to be subscribed');
    let emitted = 0;
    async function* items() {
      for (let i = 1; i <= total; i++) {
        emitted++;
        yield `p${i}`;
        // Spread over ~1 s so the restart falls in the middle.
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 50));
      }
    }
    let connects = 0;
    const run = pipeline()
      .from(fromAsyncIterable(items()))
      .to(mqttSink({ url: broker.url, topic, qos: 1, retries: 50, backoffMs: 50, maxBackoffMs: 200, onClient: (c) => c.on('connect', () => connects++) }))
      .run();
    await until(() => emitted >= 100, 10_000, 'the first 100 publishes');
    const atRestart = emitted;
    await broker.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await broker.start();
    expect(atRestart).toBeLessThan(total);
    expect((await run).result).toEqual({ published: total });
    const expected = Array.from({ length: total }, (_, i) => `p${i + 1}`);
    await until(() => expected.every((p) => reader.lines.includes(p)), 30_000, `all ${total} messages at the reader`);
    reader.stop();
    const received = reader.lines.filter((l) => l !== 'probe');
    expect(new Set(received)).toEqual(new Set(expected));
    expect(connects).toBeGreaterThanOrEqual(1);
    console.info(`mqttSink across a broker restart: restarted after ${atRestart} publishes; the reader got all ${total} (${received.length - total} duplicates); sink reconnects ${connects}`);
  });
});
