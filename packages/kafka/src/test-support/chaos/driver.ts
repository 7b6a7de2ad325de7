/**
 * Seeded SIGKILL chaos driver for the Kafka → aggregate → Kafka job (job.ts): runs the job
 * as a child process, kills it at random moments (`kills` times), restarts it each time,
 * lets the last run finish, then reads the output topic with kcat under read_committed and
 * checks every input record id appears exactly once, under its key.
 * Script: `pnpm --filter @streamweave/kafka chaos [kills] [seed]` (see run.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { createTopic, deleteTopic, kafkajsClient } from '../../index.js';
import { kcatConsume, kcatProduce, unique } from '../services.js';
import { groupEvictor } from './evict.js';

/** A chaos job ready to start: the command line of one child process and the cleanup of its build. */
export interface ChaosJob {
  readonly argv: readonly string[];
  dispose(): void;
}

/**
 * Bundles job.ts and the workspace sources it imports (through the `@streamweave/source`
 * condition) once into a single ESM file started with plain `node`: under tsx every start
 * compiles the sources again (~0.6 CPU-s), which a hundred restarts cannot afford. kafkajs
 * stays external and is resolved from this package's node_modules, where the bundle is written.
 */
export async function bundleChaosJob(jobPath: string): Promise<ChaosJob> {
  const cache = join(dirname(dirname(dirname(dirname(jobPath)))), 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'sw-kafka-chaos-job-'));
  const outfile = join(dir, 'job.mjs');
  await build({
    entryPoints: [jobPath],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@streamweave/source'],
    external: ['kafkajs'],
    logLevel: 'error',
  });
  return { argv: [outfile], dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface KafkaChaosOptions {
  readonly job: ChaosJob;
  readonly brokers: readonly string[];
  readonly seed: number;
  /** SIGKILLs to deliver (default 100). */
  readonly kills?: number;
  /** Input records (default 20 000). */
  readonly records?: number;
  /** Records per second a killed run processes (default 2000), so most kills land mid-stream; the last run is unthrottled. */
  readonly rate?: number;
  /** Share of kills after which the dead member is left to time out of the group instead of being evicted (default 0.05). */
  readonly sessionTimeoutShare?: number;
  readonly log?: (line: string) => void;
}

export interface KafkaChaosReport {
  readonly seed: number;
  /** Runs killed with SIGKILL (and restarted). */
  readonly restarts: number;
  /** Kills during start-up (connect, producer fencing, group join) rather than mid-stream. */
  readonly startupKills: number;
  /** Input records whose output the killed runs committed (the rest were left to the last, uninterrupted run). */
  readonly committedByKilledRuns: number;
  /** Restarts that waited for the dead member's session to time out instead of evicting it. */
  readonly sessionTimeouts: number;
  /** Input records whose ids were looked for in the committed output. */
  readonly checked: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Ids found under a key other than their input record's. */
  readonly misplaced: number;
  /** Output records (per key and epoch) visible under read_uncommitted only: written by transactions the kills aborted. */
  readonly abortedOutputRecords: number;
  /** The consumer group's committed offsets equal the input's end offsets. */
  readonly offsetsAtEnd: boolean;
  readonly exact: boolean;
  readonly seconds: number;
}

/** mulberry32: a small seeded PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const runTimeoutMs = 60_000;

export async function runKafkaChaos(options: KafkaChaosOptions): Promise<KafkaChaosReport> {
  const t0 = Date.now();
  const random = rng(options.seed);
  const kills = options.kills ?? 100;
  const records = options.records ?? 20_000;
  const log = options.log ?? (() => undefined);
  const client = kafkajsClient({ brokers: [...options.brokers], retries: 8 });
  const input = unique('chaos-in');
  const output = unique('chaos-out');
  const groupId = unique('chaos-g');
  await createTopic(client, input, 3);
  await createTopic(client, output, 3);
  const evictor = await groupEvictor(options.brokers);
  try {
    const keyOf = new Map<string, string>();
    const lines: string[] = [];
    for (let i = 0; i < records; i++) {
      const key = `k${Math.floor(random() * 10)}`;
      keyOf.set(`r${i}`, key);
      lines.push(`${key}:r${i}`);
    }
    kcatProduce(input, lines, true);
    const env = {
      ...process.env,
      CHAOS_BROKERS: options.brokers.join(','),
      CHAOS_INPUT: input,
      CHAOS_OUTPUT: output,
      CHAOS_GROUP: groupId,
      CHAOS_TXN_ID: unique('chaos-txn'),
    };
    let restarts = 0;
    let startupKills = 0;
    let sessionTimeouts = 0;
    while (restarts < kills) {
      const run = start(options.job, { ...env, CHAOS_RATE: String(options.rate ?? 2000) });
      // 15% during start-up (node, connect, InitProducerId fencing the last run's producer,
      // group join), the rest 0-200 ms after the run's first record.
      const early = random() < 0.15;
      const delay = early ? random() * 600 : random() * 200;
      if (!early) await Promise.race([run.ready, run.exit]);
      await Promise.race([sleep(delay), run.exit]);
      if (run.child.exitCode !== null || run.child.signalCode !== null) {
        const r = await run.exit;
        throw new Error(`chaos run ${restarts + 1} ended before its kill (exit ${String(r.code)}; the input is too short for ${kills} kills?):\n${r.out}\n${r.err}`);
      }
      if (early && !run.isReady()) startupKills++;
      run.child.kill('SIGKILL');
      await run.exit;
      restarts++;
      // Usually evict the dead member at once; now and then let it time out (6 s) like an unattended restart.
      if (random() < (options.sessionTimeoutShare ?? 0.05)) sessionTimeouts++;
      else await evictor.evictAll(groupId);
      if (restarts % 20 === 0) log(`kafka chaos: ${restarts} restarts (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
    // What the killed runs committed between them (the kills did land mid-stream).
    const committedByKilledRuns = kcatConsume(output, '%s\\n', true).reduce((n, l) => n + l.split(',').length, 0);
    const last = start(options.job, { ...env, CHAOS_RATE: '0' });
    const done = await last.exit;
    if (done.code !== 0 || !/^DONE \d+ \d+$/m.test(done.out)) throw new Error(`final chaos run failed (exit ${String(done.code)}):\n${done.out}\n${done.err}`);

    const committed = kcatConsume(output, '%s\\n', true);
    const uncommitted = kcatConsume(output, '%s\\n', false);
    const seen = new Map<string, number>();
    let misplaced = 0;
    for (const line of committed) {
      const [key, ids] = line.split(':') as [string, string];
      for (const id of ids.split(',')) {
        seen.set(id, (seen.get(id) ?? 0) + 1);
        if (keyOf.get(id) !== key) misplaced++;
      }
    }
    let lost = 0;
    let duplicated = 0;
    for (const id of keyOf.keys()) if (!seen.has(id)) lost++;
    for (const [id, n] of seen) duplicated += keyOf.has(id) ? n - 1 : n;
    const admin = await client.admin();
    let offsetsAtEnd: boolean;
    try {
      offsetsAtEnd = JSON.stringify(await admin.groupOffsets(groupId, input)) === JSON.stringify(await admin.endOffsets(input));
    } finally {
      await admin.close();
    }
    return {
      seed: options.seed,
      restarts,
      startupKills,
      committedByKilledRuns,
      sessionTimeouts,
      checked: records,
      lost,
      duplicated,
      misplaced,
      abortedOutputRecords: uncommitted.length - committed.length,
      offsetsAtEnd,
      exact: lost === 0 && duplicated === 0 && misplaced === 0 && offsetsAtEnd,
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    await evictor.close().catch(() => undefined);
    for (const t of [input, output]) await deleteTopic(client, t).catch(() => undefined);
  }
}

function start(job: ChaosJob, env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(process.execPath, [...job.argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let ready = false;
  let onReady!: () => void;
  const readyP = new Promise<void>((r) => (onReady = r));
  child.stdout!.on('data', (d: Buffer) => {
    out += String(d);
    if (!ready && out.includes('READY')) {
      ready = true;
      onReady();
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += String(d)));
  const timer = setTimeout(() => child.kill('SIGKILL'), runTimeoutMs);
  const exit = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    }),
  );
  return { child, ready: readyP, exit, isReady: () => ready };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function formatReport(r: KafkaChaosReport): string {
  return (
    `kafka chaos [seed ${r.seed}]: restarts survived ${r.restarts} (${r.startupKills} during start-up, ${r.sessionTimeouts} left to the session timeout), ` +
    `records checked ${r.checked} (${r.committedByKilledRuns} committed by the killed runs), lost ${r.lost}, duplicated ${r.duplicated}, misplaced ${r.misplaced}, ` +
    `aborted output records ${r.abortedOutputRecords}, offsets at end ${r.offsetsAtEnd}, exact ${r.exact} (${r.seconds.toFixed(1)} s)`
  );
}
