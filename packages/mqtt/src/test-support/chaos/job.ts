/**
 * The job the SIGKILL chaos test starts (and kills) as a child process:
 * mqttSource (persistent QoS 1 session, write-ahead journal unless CHAOS_JOURNAL=off)
 * → payload → exactlyOnceFileSink, under a CheckpointCoordinator with checkpoints in a local
 * directory every 50 ms; a completed checkpoint deletes the journal segments it covers. Each
 * start restores the latest complete checkpoint. It prints `READY` once the run started;
 * with CHAOS_FINAL=1 it drains once subscribed, the driver marked the publisher done (the file
 * `published` in CHAOS_WORK) and CHAOS_IDLE_MS passed without a message, and prints `DONE`.
 *
 * Env: CHAOS_URL, CHAOS_TOPIC, CHAOS_CLIENT_ID, CHAOS_WORK, CHAOS_JOURNAL (on | off), CHAOS_FINAL, CHAOS_IDLE_MS.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { map, pipeline, type RunHandle, type RunOptions } from '@streamweave/core';
import { CheckpointCoordinator, type StateBackend, type StateSnapshot } from '@streamweave/state';
import { exactlyOnceFileSink, localCheckpointStorage } from '@streamweave/state/node';
import { type MqttMessage, mqttSource } from '../../index.js';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`chaos job: ${name} is not set`);
  return v;
};
const work = env('CHAOS_WORK');
const final = process.env.CHAOS_FINAL === '1';
const idleMs = Number(process.env.CHAOS_IDLE_MS ?? 2000);

/**
 * Snapshots (the sink's open transactions) as one file per checkpoint and operator, replaced
 * by rename: enough for SIGKILL (the page cache survives the process), not for power loss.
 */
function fileBackend(dir: string): StateBackend {
  mkdirSync(dir, { recursive: true });
  const file = (id: number, op: string) => join(dir, `${id}-${encodeURIComponent(op)}.json`);
  return {
    name: 'chaos-files',
    async write(id, op, snapshot) {
      writeFileSync(`${file(id, op)}.tmp`, JSON.stringify(snapshot));
      renameSync(`${file(id, op)}.tmp`, file(id, op));
    },
    async read(id, op) {
      try {
        return JSON.parse(readFileSync(file(id, op), 'utf8')) as StateSnapshot;
      } catch {
        return undefined;
      }
    },
    async discard(id) {
      rmSync(file(id, 'out'), { force: true });
    },
    async close() {},
  };
}

// The idle clock of the final run starts once the subscription is granted: a persistent
// session's queued messages arrive before the SUBACK, so by then the backlog was taken (a slow
// start under load must not count as idle and drain the run before the backlog arrives).
let subscribed = false;
let last = Date.now();
const source = mqttSource({
  url: env('CHAOS_URL'),
  topics: env('CHAOS_TOPIC'),
  qos: 1,
  clientId: env('CHAOS_CLIENT_ID'),
  name: 'in',
  onClient: () => {
    subscribed = true;
    last = Date.now();
  },
  ...(process.env.CHAOS_JOURNAL === 'off' ? {} : { journal: { dir: join(work, 'journal') } }),
});
const coordinator = new CheckpointCoordinator({
  backend: fileBackend(join(work, 'state')),
  storage: localCheckpointStorage(join(work, 'checkpoints')),
  intervalMs: 50,
  retained: 2,
  onCheckpointComplete: (meta) => void source.commitCheckpoint(meta.positions['in']).catch((e: unknown) => process.stderr.write(`commitCheckpoint: ${String(e)}\n`)),
});
const job = pipeline()
  .from(source)
  .pipe(
    map((m: MqttMessage<string>) => {
      last = Date.now();
      return m.payload;
    }),
  )
  .to(exactlyOnceFileSink<string>({ dir: join(work, 'out'), serialize: (s) => `${s}\n`, name: 'out' }));
let handle: RunHandle<unknown> | undefined;
const idle = final
  ? setInterval(() => {
      if (subscribed && existsSync(join(work, 'published')) && Date.now() - last > idleMs) handle?.drain();
    }, 100)
  : undefined;
setImmediate(() => process.stdout.write('READY\n'));
const result = await coordinator.run({
  start: (o?: RunOptions) => (handle = job.start(o) as RunHandle<unknown>) as ReturnType<typeof job.start>,
  describe: () => job.describe(),
});
clearInterval(idle);
process.stdout.write(`DONE ${String(result.restoredFrom ?? 0)}\n`);
process.exit(0);
