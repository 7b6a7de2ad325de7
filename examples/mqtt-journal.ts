/**
 * No MQTT message lost when the process dies, with @streamweave/mqtt's write-ahead journal:
 * mqttSource (QoS 1, persistent session, `journal`) → exactly-once part files, checkpointed
 * every 50 ms. The first run "crashes" (is cancelled) mid-stream: the messages it took were
 * acknowledged to the broker, and those after its last complete checkpoint were never
 * committed. The second run restores that checkpoint, replays them from the journal, then
 * takes the rest live. Every reading ends up in the output. Needs Mosquitto at
 * STREAMWEAVE_MQTT_URL (default mqtt://127.0.0.1:1883); without one it prints why it skipped
 * and exits 0 (unless STREAMWEAVE_REQUIRE_SERVICES=1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEach, fromArray, map, pipeline, type RunHandle, type RunOptions } from '@streamweave/core';
import { mqttSink, mqttSource, type MqttMessage } from '@streamweave/mqtt';
import { CheckpointCoordinator, memoryBackend, memoryCheckpointStorage } from '@streamweave/state';
import { exactlyOnceFileSink, readPartFiles } from '@streamweave/state/node';
import { requireServer } from './support/requireServer.js';

const url = process.env.STREAMWEAVE_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const { hostname, port } = new URL(url);
await requireServer('Mosquitto', hostname, Number(port || 1883));

const tag = Math.random().toString(36).slice(2, 8);
const topic = `mqttjournal-example/${tag}/meters`;
const clientId = `mqttjournal-example-${tag}`;
const work = mkdtempSync(join(tmpdir(), 'mqttjournal-example-'));
const readings = Array.from({ length: 200 }, (_, i) => `reading-${i}`);

// Both runs share the checkpoint backend and storage, as a restarted process shares a disk.
const backend = memoryBackend();
const storage = memoryCheckpointStorage();

/** One run of the job; `stopWhen` decides, per item taken, when to cancel ("crash") or drain. */
async function runJob(stopWhen: (taken: number, h: RunHandle<unknown>) => void, onSubscribed = () => {}) {
  const source = mqttSource({ url, topics: topic, qos: 1, clientId, name: 'meters', journal: { dir: join(work, 'journal') }, onClient: onSubscribed });
  let taken = 0;
  let handle!: RunHandle<unknown>;
  const job = pipeline()
    .from(source)
    .pipe(map((m: MqttMessage<string>) => (stopWhen(++taken, handle), m.payload)))
    .to(exactlyOnceFileSink<string>({ dir: join(work, 'out'), serialize: (s) => `${s}\n`, name: 'out' }));
  const coordinator = new CheckpointCoordinator({
    backend,
    storage,
    intervalMs: 50,
    // A completed checkpoint deletes the journal segments it covers.
    onCheckpointComplete: (meta) => void source.commitCheckpoint(meta.positions['meters']).catch((e: unknown) => console.warn(e)),
  });
  const run = coordinator.run({ start: (o?: RunOptions) => (handle = job.start(o) as RunHandle<unknown>) as ReturnType<typeof job.start>, describe: () => job.describe() });
  return run.then(
    (r) => `${r.status}, restored from checkpoint ${String(r.restoredFrom ?? 'none')}`,
    (e: Error) => `failed: ${e.message}`,
  );
}

try {
  // First run: takes 120 readings, then dies without warning.
  let subscribed!: () => void;
  const ready = new Promise<void>((r) => (subscribed = r));
  const first = runJob((taken, h) => taken === 120 && setImmediate(() => h.cancel()), () => subscribed());
  await ready;
  await pipeline().from(fromArray(readings)).to(mqttSink({ url, topic, qos: 1 })).run();
  console.log(`first run: ${await first}`);
  const committedBeforeCrash = (await readPartFiles(join(work, 'out'))).split('\n').filter(Boolean).length;

  // Second run: restores, replays the journal after its checkpoint, then the broker's queue; drains when idle.
  let last = Date.now();
  let h2: RunHandle<unknown> | undefined;
  const idle = setInterval(() => Date.now() - last > 700 && h2?.drain(), 100);
  const second = await runJob((_, h) => ((last = Date.now()), (h2 = h)));
  clearInterval(idle);
  console.log(`second run: ${second}`);

  const out = (await readPartFiles(join(work, 'out'))).split('\n').filter(Boolean);
  const missing = readings.filter((r) => !out.includes(r));
  if (missing.length > 0) throw new Error(`lost ${missing.length} readings, e.g. ${missing.slice(0, 5).join(', ')}`);
  console.log(`${committedBeforeCrash} readings committed before the crash; in the end ${new Set(out).size} of ${readings.length} in the output (${out.length - new Set(out).size} duplicates)`);
} finally {
  rmSync(work, { recursive: true, force: true });
  // End the persistent session: a clean connect with the same client id.
  const end = pipeline().from(mqttSource({ url, topics: topic, clientId, clean: true, onClient: () => end.drain() })).to(forEach(() => {})).start();
  await end.result;
}
