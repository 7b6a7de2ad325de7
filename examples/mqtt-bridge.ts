/**
 * An MQTT bridge with @streamweave/mqtt: read Celsius readings from `sensors/+/celsius`
 * (a wildcard subscription, QoS 1, persistent session), convert them, publish them to
 * `sensors/<id>/fahrenheit`, and read those back. Needs Mosquitto at
 * STREAMWEAVE_MQTT_URL (default mqtt://127.0.0.1:1883); without one it prints why it
 * skipped and exits 0 (unless STREAMWEAVE_REQUIRE_SERVICES=1).
 */
import { forEach, fromArray, map, pipeline } from '@streamweave/core';
import { mqttSink, mqttSource, type MqttMessage } from '@streamweave/mqtt';
import { requireServer } from './support/requireServer.js';

const url = process.env.STREAMWEAVE_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const { hostname, port } = new URL(url);
await requireServer('Mosquitto', hostname, Number(port || 1883));

const base = `example-${Math.random().toString(36).slice(2, 8)}/sensors`;
const readings = [
  { sensor: 'kitchen', celsius: 21 },
  { sensor: 'garage', celsius: 5 },
  { sensor: 'kitchen', celsius: 23.5 },
  { sensor: 'attic', celsius: 30 },
];

// The bridge: celsius in, fahrenheit out. `subscribed` resolves once the broker granted the subscription.
const ready = (): [Promise<void>, () => void] => {
  let done!: () => void;
  return [new Promise<void>((r) => (done = r)), () => done()];
};
const [bridgeReady, bridgeSubscribed] = ready();
const bridge = pipeline()
  .from(mqttSource({ url, topics: `${base}/+/celsius`, qos: 1, clientId: `bridge-${Date.now()}`, clean: true, decode: (b) => Number(b.toString()), onClient: bridgeSubscribed }))
  .pipe(map((m: MqttMessage<number>) => ({ sensor: m.topic.split('/')[2]!, fahrenheit: (m.payload * 9) / 5 + 32 })))
  .to(mqttSink({ url, qos: 1, topic: (r: { sensor: string }) => `${base}/${r.sensor}/fahrenheit`, encode: (r) => String(r.fahrenheit) }))
  .start();

// A reader of the bridge's output.
const out: string[] = [];
const [readerReady, readerSubscribed] = ready();
const reader = pipeline()
  .from(mqttSource({ url, topics: `${base}/+/fahrenheit`, qos: 1, onClient: readerSubscribed }))
  .to(forEach((m: MqttMessage<string>) => void out.push(`${m.topic.split('/')[2]} ${m.payload}°F`)))
  .start();
await Promise.all([bridgeReady, readerReady]);

await pipeline()
  .from(fromArray(readings))
  .to(mqttSink({ url, qos: 1, topic: (r: (typeof readings)[number]) => `${base}/${r.sensor}/celsius`, encode: (r) => String(r.celsius) }))
  .run();

const deadline = Date.now() + 10_000;
while (out.length < readings.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
bridge.drain();
reader.drain();
await Promise.all([bridge.result, reader.result]);

const expected = ['kitchen 69.8°F', 'garage 41°F', 'kitchen 74.3°F', 'attic 86°F'];
if (JSON.stringify(out) !== JSON.stringify(expected)) throw new Error(`wrong output: ${JSON.stringify(out)}`);
console.log(`mqtt-bridge: ${readings.length} readings bridged celsius → fahrenheit: ${out.join(', ')}`);
