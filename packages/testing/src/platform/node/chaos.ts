/// <reference types="node" />
/**
 * Node-only SIGKILL chaos driver: bundle a job script once, start it as a child process,
 * kill it at seeded random moments, restart it, and count what happened. Each package's
 * chaos test keeps only its job, its input and its check of the output.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A chaos job ready to start: the arguments of `node` for one child process, and the
 * cleanup of whatever was built to start it.
 *
 * @see bundleChaosJob
 * @see killRestartLoop
 */
export interface ChaosJob {
  /** Arguments after `node` (`process.execPath`) that start the job. */
  readonly argv: readonly string[];
  /** Removes what was built for the job (call once, when the test is over). */
  dispose(): void;
}

/** Options of {@link bundleChaosJob}. */
export interface BundleChaosJobOptions {
  /** Modules left out of the bundle and resolved by node at run time (native addons, lazily loaded drivers, client libraries). */
  readonly external?: readonly string[];
  /**
   * Where the bundle directory is created (default `node_modules/.cache` of the nearest
   * directory above the job with a `package.json`, so node resolves `external` modules
   * from that package's own dependencies; the OS temp dir when there is none).
   */
  readonly cacheDir?: string;
}

/** The directory of the nearest `package.json` at or above `dir`, if any. */
function packageDirOf(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * Bundles a job script and the workspace sources it imports (through the
 * `@streamweave/source` export condition) once, with esbuild, into one ESM file started with
 * plain `node`. Starting a job under tsx compiles every source file again on each start
 * (about 0.6 CPU-s); a hundred restarts per test cannot afford that, the bundle starts in a
 * fraction of it. CommonJS dependencies inside the bundle get a `require` of their own.
 *
 * Needs the optional peer dependency `esbuild`.
 *
 * @param jobPath - absolute path of the job script (TypeScript or JavaScript)
 * @param options - external modules, where to write the bundle
 * @returns the job, started by {@link startChaosRun} or {@link killRestartLoop}; `dispose()` removes the bundle
 * @example
 * ```ts
 * let job: ChaosJob;
 * beforeAll(async () => (job = await bundleChaosJob(join(__dirname, 'chaos', 'job.ts'), { external: ['lmdb'] })));
 * afterAll(() => job?.dispose());
 * ```
 * @see killRestartLoop
 */
export async function bundleChaosJob(jobPath: string, options: BundleChaosJobOptions = {}): Promise<ChaosJob> {
  const { build } = await import('esbuild');
  const packageDir = packageDirOf(dirname(jobPath));
  const cache = options.cacheDir ?? (packageDir === undefined ? tmpdir() : join(packageDir, 'node_modules', '.cache'));
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'sw-chaos-job-'));
  const outfile = join(dir, 'job.mjs');
  try {
    await build({
      entryPoints: [jobPath],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['@streamweave/source'],
      external: [...(options.external ?? [])],
      // CommonJS dependencies inside an ESM bundle call require(); give them one.
      banner: { js: "import { createRequire as __swCreateRequire } from 'node:module'; const require = __swCreateRequire(import.meta.url);" },
      logLevel: 'silent',
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { argv: [outfile], dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** How a chaos run ended: its exit code (null when killed by a signal) and everything it printed. */
export interface ChaosExit {
  /** The exit code; null when a signal ended the process. */
  readonly code: number | null;
  /** The signal that ended the process (`SIGKILL` for a kill), or null. */
  readonly signal: NodeJS.Signals | null;
  /** Everything the job printed on stdout. */
  readonly stdout: string;
  /** Everything the job printed on stderr. */
  readonly stderr: string;
}

/** One started child process of a chaos job. */
export interface ChaosRun {
  /** The child process (to kill it, or read its pid). */
  readonly child: ChildProcess;
  /** Resolves once the job printed its ready marker (never, if it does not). */
  readonly ready: Promise<void>;
  /** Resolves when the process has exited, however it ended. */
  readonly exit: Promise<ChaosExit>;
  /** Whether the ready marker was printed so far. */
  isReady(): boolean;
  /** Whether the process has exited (or been killed) already. */
  exited(): boolean;
}

/** Options of {@link startChaosRun}. */
export interface StartChaosRunOptions {
  /** What the job prints on stdout once it is past start-up (default `READY`). */
  readonly readyMarker?: string;
  /** SIGKILL the run after this many ms, so a hung job fails the test instead of hanging it (default: no limit). */
  readonly timeoutMs?: number;
}

/**
 * Starts one run of a chaos job as a child `node` process with `env`, collecting its
 * output and watching for its ready marker.
 *
 * @param job - the job (see {@link bundleChaosJob})
 * @param env - the whole environment of the child
 * @param options - ready marker, time limit
 * @returns the run: `ready`, `exit`, the child itself
 * @example
 * ```ts
 * const last = startChaosRun(job, { ...env, CHAOS_RATE: '0' }, { timeoutMs: 60_000 });
 * const done = await last.exit;
 * if (done.code !== 0) throw new Error(`final run failed:\n${done.stderr}`);
 * ```
 * @see killRestartLoop
 */
export function startChaosRun(job: ChaosJob, env: NodeJS.ProcessEnv, options: StartChaosRunOptions = {}): ChaosRun {
  const marker = options.readyMarker ?? 'READY';
  const child = spawn(process.execPath, [...job.argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let ready = false;
  let exited = false;
  let onReady!: () => void;
  const readyP = new Promise<void>((r) => (onReady = r));
  child.stdout.on('data', (d: Buffer) => {
    stdout += String(d);
    if (!ready && stdout.includes(marker)) {
      ready = true;
      onReady();
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  // 'close' (not 'exit'): every byte the job printed has been read by then.
  const exit = new Promise<ChaosExit>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  child.on('exit', () => (exited = true));
  return { child, ready: readyP, exit, isReady: () => ready, exited: () => exited || child.exitCode !== null || child.signalCode !== null };
}

/** Options of {@link killRestartLoop}. */
export interface KillRestartOptions extends StartChaosRunOptions {
  /** The job to start (see {@link bundleChaosJob}). */
  readonly job: ChaosJob;
  /** The environment of every run. */
  readonly env: NodeJS.ProcessEnv;
  /** Restarts to reach. */
  readonly kills: number;
  /** The seeded source of every random choice (see `seededRandom` in `@streamweave/testing`); two calls per run, in order. */
  readonly random: () => number;
  /** Share of kills aimed at start-up: a random moment after the start rather than after the ready marker (default 0.15). */
  readonly startupShare?: number;
  /** Window of a start-up kill, from the start (default 400 ms). */
  readonly startupWindowMs?: number;
  /** Window of any other kill, from the ready marker (default 200 ms). */
  readonly windowMs?: number;
  /**
   * A run that ends by itself before its kill: `'restart'` counts it as a restart when it exited
   * with 0 (the next run restores the final checkpoint) and fails otherwise; `'fail'` always
   * fails (the input was too short for the kills). Default `'restart'`.
   */
  readonly endedEarly?: 'restart' | 'fail';
  /** Runs after each kill, before the next start (e.g. evict the dead member from a consumer group). */
  readonly afterKill?: (restarts: number) => void | Promise<void>;
  /** Progress lines, one every `logEvery` restarts. */
  readonly log?: (line: string) => void;
  /** Restarts between progress lines (default 20). */
  readonly logEvery?: number;
}

/** What {@link killRestartLoop} did. */
export interface KillRestartResult {
  /** Runs killed with SIGKILL or (with `endedEarly: 'restart'`) that ended before their kill, each followed by a start. */
  readonly restarts: number;
  /** Kills that landed before the run printed its ready marker. */
  readonly startupKills: number;
  /** Runs that ended by themselves before their kill (counted in `restarts`). */
  readonly endedEarly: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The SIGKILL loop of a chaos test: starts the job, kills it at a seeded random moment (a
 * share of the kills during start-up, the rest shortly after its ready marker), and starts
 * it again, until `kills` restarts. The random choices come from `random` alone, in a fixed
 * order, so a seed replays the same schedule of choices. The caller then starts the last,
 * uninterrupted run itself ({@link startChaosRun}) and checks the output.
 *
 * @param options - the job, its environment, the kill budget and schedule
 * @returns restarts, kills during start-up, runs that ended early
 * @throws Error when a run ends by itself with a non-zero code, or at all with `endedEarly: 'fail'`
 * @example
 * ```ts
 * const random = seededRandom(seed);
 * const { restarts } = await killRestartLoop({ job, env, kills: 100, random });
 * const done = await startChaosRun(job, env).exit; // the last run, to the end
 * ```
 * @see bundleChaosJob
 * @see startChaosRun
 */
export async function killRestartLoop(options: KillRestartOptions): Promise<KillRestartResult> {
  const { random } = options;
  const t0 = Date.now();
  let restarts = 0;
  let startupKills = 0;
  let endedEarly = 0;
  while (restarts < options.kills) {
    const run = startChaosRun(options.job, options.env, options);
    const early = random() < (options.startupShare ?? 0.15);
    const delay = random() * (early ? (options.startupWindowMs ?? 400) : (options.windowMs ?? 200));
    if (!early) await Promise.race([run.ready, run.exit]);
    await Promise.race([sleep(delay), run.exit]);
    if (run.exited()) {
      const r = await run.exit;
      if (r.code !== 0 || options.endedEarly === 'fail') {
        throw new Error(
          `chaos run ${restarts + 1} ended before its kill (exit ${String(r.code ?? r.signal)}${options.endedEarly === 'fail' ? `; the input is too short for ${options.kills} kills?` : ''}):\n${r.stdout}\n${r.stderr}`,
        );
      }
      endedEarly++;
    } else {
      if (!run.isReady()) startupKills++;
      run.child.kill('SIGKILL');
      await run.exit;
    }
    restarts++;
    await options.afterKill?.(restarts);
    if (restarts % (options.logEvery ?? 20) === 0) options.log?.(`chaos: ${restarts} restarts (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  return { restarts, startupKills, endedEarly };
}
