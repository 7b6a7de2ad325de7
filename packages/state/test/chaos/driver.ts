/**
 * Seeded chaos driver: runs the chaos job as a child process, SIGKILLs it at random
 * moments (at least `kills` times), restarts it each time, and checks at the end
 * that the committed output equals the expected output exactly.
 * Script: `pnpm --filter @streamweave/state chaos [lmdb,redis,postgres] [seed]` (see run.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPartFiles } from '@streamweave/state/node';
import { deliveryTally, seededRandom } from '@streamweave/testing';
import { bundleChaosJob as bundle, type ChaosJob, killRestartLoop, startChaosRun } from '@streamweave/testing/node';

export type { ChaosJob };

/**
 * Bundles job.ts once (see bundleChaosJob of @streamweave/testing/node), leaving out the native
 * addons and lazily loaded drivers, which node resolves from this package's dependencies.
 */
export function bundleChaosJob(jobPath: string): Promise<ChaosJob> {
  return bundle(jobPath, { external: ['lmdb', 'ioredis', 'knex', 'pg', 'mysql2', 'better-sqlite3'] });
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

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const t0 = Date.now();
  const random = seededRandom(options.seed);
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
  try {
    // Runs that finish before their kill count as restarts: the next start restores the final checkpoint.
    const { restarts } = await killRestartLoop({ job: options.job, env, kills, random, log: (l) => log(`${options.backend}: ${l}`) });
    const last = await startChaosRun(options.job, env).exit;
    if (last.code !== 0) throw new Error(`chaos job failed (exit ${String(last.code ?? last.signal)}):\n${last.stderr}`);
    const actual = (await readPartFiles(join(work, 'out'))).split('\n').filter((l) => l !== '');
    const { checked, lost, duplicated } = deliveryTally(expected, actual);
    const exact = lost === 0 && duplicated === 0 && actual.length === expected.length && actual.every((l, i) => l === expected[i]);
    return { backend: options.backend, store: options.store ?? 'heap', seed: options.seed, restarts, checked, lost, duplicated, exact, seconds: (Date.now() - t0) / 1000 };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function formatReport(r: ChaosReport): string {
  return `chaos[${r.backend}${r.store === 'heap' ? '' : ` + ${r.store} working store`}, seed ${r.seed}]: restarts survived ${r.restarts}, records checked ${r.checked}, lost ${r.lost}, duplicated ${r.duplicated}, exact ${r.exact} (${r.seconds.toFixed(1)} s)`;
}
