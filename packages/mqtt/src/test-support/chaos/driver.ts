/**
 * Seeded SIGKILL chaos driver for the MQTT → exactly-once file job (job.ts): creates the
 * job's persistent session, publishes numbered QoS 1 messages with mosquitto_pub (an
 * independent client) at a steady rate while the job is SIGKILLed at random moments and
 * restarted, lets a last run drain what is left, then reads the committed output and
 * counts every number lost or duplicated.
 * Script: `pnpm --filter @streamweave/mqtt chaos [journal|nojournal] [kills] [seed]` (see run.ts).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPartFiles } from '@streamweave/state/node';
import { deliveryTally, seededRandom } from '@streamweave/testing';
import { bundleChaosJob as bundle, type ChaosJob, killRestartLoop, startChaosRun } from '@streamweave/testing/node';
import mqtt from 'mqtt';

export type { ChaosJob };

/** Bundles job.ts once; mqtt.js stays external (resolved from this package's dependencies), and so do the drivers `@streamweave/state/node` loads lazily (the job uses none of them). */
export function bundleChaosJob(jobPath: string): Promise<ChaosJob> {
  return bundle(jobPath, { external: ['mqtt', 'lmdb', 'ioredis', 'knex', 'pg', 'mysql2', 'better-sqlite3'] });
}

export interface MqttChaosOptions {
  readonly job: ChaosJob;
  readonly url: string;
  readonly port: number;
  /** With the write-ahead journal (the job's CHAOS_JOURNAL). */
  readonly journal: boolean;
  readonly seed: number;
  /** SIGKILLs to deliver (default 8). */
  readonly kills?: number;
  /** Messages to publish (default 2000). */
  readonly messages?: number;
  /** Messages per second published (default 150). Mosquitto drops QoS 1 messages beyond 1000 queued for a session, so the rate keeps the queue of a killed job short. */
  readonly rate?: number;
  readonly log?: (line: string) => void;
}

export interface MqttChaosReport {
  readonly journal: boolean;
  readonly seed: number;
  readonly restarts: number;
  readonly startupKills: number;
  readonly published: number;
  readonly checked: number;
  readonly lost: number;
  readonly duplicated: number;
  /** The duplicated numbers with their counts, `n×k`. */
  readonly duplicates: readonly string[];
  /** A few of the lost numbers. */
  readonly lostSample: readonly number[];
  readonly seconds: number;
}

/** Publishes `count` numbered lines with one mosquitto_pub -l process at `rate` lines per second. */
function publishNumbers(port: number, topic: string, count: number, rate: number): Promise<void> {
  const p = spawn('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', '1', '-l', '-i', `mqttjournal-pub-${randomBytes(3).toString('hex')}`], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  const exited = new Promise<void>((resolve, reject) =>
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`mosquitto_pub exited with ${String(code)}: ${stderr}`)))),
  );
  const t0 = Date.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.min(count, Math.floor(((Date.now() - t0) / 1000) * rate));
    let chunk = '';
    for (; sent < due; sent++) chunk += `${sent}\n`;
    if (chunk !== '') p.stdin.write(chunk);
    if (sent === count) {
      clearInterval(timer);
      p.stdin.end();
    }
  }, 20);
  return exited;
}

/** Connects once with the job's client id to create (clean: false) or remove (clean: true) its persistent session. */
async function session(url: string, clientId: string, topic: string, clean: boolean): Promise<void> {
  const c = await mqtt.connectAsync(url, { clientId, clean, reconnectPeriod: 0 });
  if (!clean) await c.subscribeAsync(topic, { qos: 1 });
  await c.endAsync();
}

export async function runMqttChaos(options: MqttChaosOptions): Promise<MqttChaosReport> {
  const t0 = Date.now();
  const random = seededRandom(options.seed);
  const kills = options.kills ?? 8;
  const messages = options.messages ?? 2000;
  const log = options.log ?? (() => undefined);
  const tag = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const topic = `mqttjournal-chaos/${tag}`;
  const clientId = `mqttjournal-chaos-${tag}`;
  const work = mkdtempSync(join(tmpdir(), 'mqttjournal-chaos-'));
  const env = {
    ...process.env,
    CHAOS_URL: options.url,
    CHAOS_TOPIC: topic,
    CHAOS_CLIENT_ID: clientId,
    CHAOS_WORK: work,
    CHAOS_JOURNAL: options.journal ? 'on' : 'off',
  };
  await session(options.url, clientId, topic, false);
  try {
    const published = publishNumbers(options.port, topic, messages, options.rate ?? 150);
    published.catch(() => undefined);
    // Kills 0-1.5 s after the run started (15% during start-up: node, connect, journal replay).
    const { restarts, startupKills } = await killRestartLoop({
      job: options.job,
      env,
      kills,
      random,
      windowMs: 1500,
      startupWindowMs: 600,
      endedEarly: 'fail',
      timeoutMs: 60_000,
      log,
      logEvery: 1,
    });
    // The last run starts at once, while mosquitto_pub may still be publishing: a session left
    // without a client queues at most 1 000 messages in Mosquitto (max_queued_messages) and
    // drops the rest ("Outgoing messages are being dropped"), which once lost the last 64. It
    // drains only after the publisher finished (the marker file) and the input went idle.
    const finalRun = startChaosRun(options.job, { ...env, CHAOS_FINAL: '1', CHAOS_IDLE_MS: '1500' }, { timeoutMs: 60_000 });
    await published;
    writeFileSync(join(work, 'published'), '');
    const done = await finalRun.exit;
    if (done.code !== 0 || !/^DONE \d+$/m.test(done.stdout)) throw new Error(`final chaos run failed (exit ${String(done.code ?? done.signal)}):\n${done.stdout}\n${done.stderr}`);
    const lines = (await readPartFiles(join(work, 'out'))).split('\n').filter((l) => l !== '');
    const expected = Array.from({ length: messages }, (_, i) => String(i));
    const { checked, lost, duplicated } = deliveryTally(expected, lines);
    const counts = new Map<string, number>();
    for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1);
    const duplicates = [...counts].filter(([, n]) => n > 1).map(([l, n]) => `${l}×${n}`);
    const lostSample = expected.filter((e) => !counts.has(e)).slice(0, 10).map(Number);
    return { journal: options.journal, seed: options.seed, restarts, startupKills, published: messages, checked, lost, duplicated, duplicates, lostSample, seconds: (Date.now() - t0) / 1000 };
  } finally {
    await session(options.url, clientId, topic, true).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

export function formatReport(r: MqttChaosReport): string {
  return (
    `mqtt chaos [${r.journal ? 'journal' : 'no journal'}, seed ${r.seed}]: restarts survived ${r.restarts} (${r.startupKills} during start-up), ` +
    `published ${r.published}, checked ${r.checked}, lost ${r.lost}${r.lost > 0 ? ` (e.g. ${r.lostSample.join(', ')})` : ''}, ` +
    `duplicated ${r.duplicated}${r.duplicates.length > 0 ? ` (${r.duplicates.join(', ')})` : ''} (${r.seconds.toFixed(1)} s)`
  );
}
