/**
 * Seeded chaos driver: runs the chaos job as a child process, SIGKILLs it at random
 * moments (at least `kills` times), restarts it each time, and checks at the end
 * that the committed output equals the expected output exactly.
 * Script: `pnpm --filter @streamweave/state chaos [lmdb,redis,postgres] [seed]` (see run.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readPartFiles } from '@streamweave/state/node';
import { build } from 'esbuild';

/** Modules left out of the bundle: native addons and lazily loaded drivers, resolved by node at run time. */
const external = ['lmdb', 'ioredis', 'knex', 'pg', 'mysql2', 'better-sqlite3'];

/** A chaos job ready to start: the command line of one child process and the cleanup of its build. */
export interface ChaosJob {
  readonly argv: readonly string[];
  dispose(): void;
}

/**
 * Bundles job.ts (and the workspace sources it imports, through the `@streamweave/source`
 * condition) once into a single ESM file run with plain `node`. Starting the job under tsx
 * costs about 0.6 CPU-s per start (compiling every source file on each start); the bundle
 * starts in a fraction of that, which is what makes hundreds of restarts per run affordable.
 * The bundle is written under this package's node_modules/.cache so node resolves the
 * external modules (lmdb's native addon, the drivers) from the package's own dependencies.
 */
export async function bundleChaosJob(jobPath: string): Promise<ChaosJob> {
  const cache = join(dirname(dirname(dirname(jobPath))), 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'sw-chaos-job-'));
  const outfile = join(dir, 'job.mjs');
  await build({
    entryPoints: [jobPath],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@streamweave/source'],
    external,
    // CommonJS dependencies inside an ESM bundle call require(); give them one.
    banner: { js: "import { createRequire as __swCreateRequire } from 'node:module'; const require = __swCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return { argv: [outfile], dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs job.ts from source under tsx (slow start-up; for debugging a job change without a build). */
export function tsxChaosJob(jobPath: string): ChaosJob {
  return { argv: ['--conditions=@streamweave/source', '--import', 'tsx', jobPath], dispose: () => undefined };
}

export interface ChaosOptions {
  /** How to start the job (see bundleChaosJob). */
  readonly job: ChaosJob;
  readonly backend: 'lmdb' | 'redis' | 'postgres';
  /** Where the keyed working state lives (default heap). */
  readonly store?: 'heap' | 'lmdb';
  readonly seed: number;
  /** SIGKILLs to deliver (default 100). */
  readonly kills?: number;
  /** Input records (default 6 000). */
  readonly records?: number;
  /** Lines per second the job processes (default 2000), so kills land mid-run. */
  readonly rate?: number;
  readonly log?: (line: string) => void;
}

export interface ChaosReport {
  readonly backend: string;
  readonly store: string;
  readonly seed: number;
  readonly restarts: number;
  readonly checked: number;
  readonly lost: number;
  readonly duplicated: number;
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

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const t0 = Date.now();
  const random = rng(options.seed);
  const kills = options.kills ?? 100;
  const records = options.records ?? 6_000;
  const log = options.log ?? (() => undefined);
  const work = mkdtempSync(join(tmpdir(), `sw-chaos-${options.backend}-`));
  mkdirSync(join(work, 'out'), { recursive: true });
  const inputLines: string[] = [];
  const expected: string[] = [];
  const totals = new Map<string, [number, number]>();
  for (let i = 0; i < records; i++) {
    const key = `k${Math.floor(random() * 20)}`;
    const value = Math.floor(random() * 1000);
    inputLines.push(`${key},${value}`);
    const [count, total] = totals.get(key) ?? [0, 0];
    totals.set(key, [count + 1, total + value]);
    expected.push(`${key},${count + 1},${total + value}`);
  }
  const input = join(work, 'input.csv');
  writeFileSync(input, inputLines.join('\n') + '\n');
  const env = {
    ...process.env,
    CHAOS_INPUT: input,
    CHAOS_WORK: work,
    CHAOS_BACKEND: options.backend,
    CHAOS_STORE: options.store ?? 'heap',
    CHAOS_RATE: String(options.rate ?? 2000),
    CHAOS_NAMESPACE: `chaos-${options.seed}-${process.pid}-${Date.now()}`,
  };
  let restarts = 0;
  try {
    for (;;) {
      const child = spawn(process.execPath, [...options.job.argv], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const outcome = watch(child);
      if (restarts < kills) {
        const early = random() < 0.15;
        const delay = early ? random() * 400 : random() * 200;
        if (!early) await Promise.race([outcome.ready, outcome.exit]);
        await Promise.race([sleep(delay), outcome.exit]);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await outcome.exit;
          restarts++;
          if (restarts % 20 === 0) log(`${options.backend}: ${restarts} restarts`);
          continue;
        }
      }
      const code = await outcome.exit;
      if (code !== 0) throw new Error(`chaos job failed (exit ${String(code)}):\n${outcome.stderr()}`);
      if (restarts >= kills) break;
      // Finished before the kill budget was spent: the remaining restarts exercise restore of the final checkpoint.
      restarts++;
    }
    const actual = (await readPartFiles(join(work, 'out'))).split('\n').filter((l) => l !== '');
    const seen = new Map<string, number>();
    for (const l of actual) seen.set(l, (seen.get(l) ?? 0) + 1);
    let lost = 0;
    let duplicated = 0;
    const want = new Set(expected);
    for (const l of expected) if (!seen.has(l)) lost++;
    for (const [l, n] of seen) duplicated += want.has(l) ? n - 1 : n;
    const exact = lost === 0 && duplicated === 0 && actual.length === expected.length && actual.every((l, i) => l === expected[i]);
    return { backend: options.backend, store: options.store ?? 'heap', seed: options.seed, restarts, checked: expected.length, lost, duplicated, exact, seconds: (Date.now() - t0) / 1000 };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function watch(child: ChildProcess) {
  let stderr = '';
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout!.on('data', (d: Buffer) => {
    if (d.toString().includes('READY')) onReady();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { ready, exit, stderr: () => stderr };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function formatReport(r: ChaosReport): string {
  return `chaos[${r.backend}${r.store === 'heap' ? '' : ` + ${r.store} working store`}, seed ${r.seed}]: restarts survived ${r.restarts}, records checked ${r.checked}, lost ${r.lost}, duplicated ${r.duplicated}, exact ${r.exact} (${r.seconds.toFixed(1)} s)`;
}
