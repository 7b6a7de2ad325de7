/// <reference types="node" />
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../index.js';
import { bundleChaosJob, type ChaosJob, killRestartLoop, startChaosRun } from '../../node.js';

jest.setTimeout(60_000);

// A job package of its own: the bundle must land in its node_modules/.cache.
const pkg = mkdtempSync(join(tmpdir(), 'sw-testing-chaos-spec-'));
mkdirSync(join(pkg, 'jobs'));
writeFileSync(join(pkg, 'package.json'), '{ "name": "chaos-spec-job", "type": "module" }\n');
writeFileSync(join(pkg, 'jobs', 'say.ts'), "export const say = (s: string): void => { process.stdout.write(`${s}\\n`); };\n");
// CHAOS_READY_MS: delay of READY; CHAOS_LIFE_MS: lifetime after it; CHAOS_EXIT: the exit code.
writeFileSync(
  join(pkg, 'jobs', 'job.ts'),
  [
    "import { say } from './say.js';",
    'const env = (k: string, d: number): number => Number(process.env[k] ?? d);',
    "setTimeout(() => { say('READY'); setTimeout(() => { say('DONE'); process.exit(env('CHAOS_EXIT', 0)); }, env('CHAOS_LIFE_MS', 60_000)); }, env('CHAOS_READY_MS', 0));",
    '',
  ].join('\n'),
);
writeFileSync(join(pkg, 'jobs', 'broken.ts'), "import { nothing } from './missing.js';\nconsole.log(nothing);\n");

let job: ChaosJob;
beforeAll(async () => {
  job = await bundleChaosJob(join(pkg, 'jobs', 'job.ts'));
});
afterAll(() => {
  job?.dispose();
  rmSync(pkg, { recursive: true, force: true });
});

const env = (vars: Record<string, string>) => ({ ...process.env, ...vars });

/** A random source that plays back `values` and counts the calls. */
function scripted(values: number[]) {
  let calls = 0;
  return Object.assign(() => values[calls++ % values.length]!, { calls: () => calls });
}

describe('bundleChaosJob', () => {
  it('bundles the job and its imports into one file under the nearest package node_modules/.cache, removed by dispose', async () => {
    expect(job.argv).toHaveLength(1);
    expect(job.argv[0]!.startsWith(join(pkg, 'node_modules', '.cache', 'sw-chaos-job-'))).toBe(true);
    const out = await startChaosRun(job, env({ CHAOS_LIFE_MS: '0' })).exit;
    expect(out).toEqual({ code: 0, signal: null, stdout: 'READY\nDONE\n', stderr: '' });

    const other = await bundleChaosJob(join(pkg, 'jobs', 'job.ts'), { cacheDir: join(pkg, 'elsewhere'), external: ['kafkajs'] });
    expect(readdirSync(join(pkg, 'elsewhere'))).toHaveLength(1);
    other.dispose();
    expect(readdirSync(join(pkg, 'elsewhere'))).toEqual([]);
  });

  it('rejects with the build error and leaves nothing behind', async () => {
    const cacheDir = join(pkg, 'broken-cache');
    await expect(bundleChaosJob(join(pkg, 'jobs', 'broken.ts'), { cacheDir })).rejects.toThrow(/missing/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('writes to the OS temp dir when no package.json is above the job', async () => {
    const bare = mkdtempSync('/tmp/sw-testing-chaos-bare-');
    try {
      writeFileSync(join(bare, 'job.mjs'), "process.stdout.write('READY\\n');\n");
      const j = await bundleChaosJob(join(bare, 'job.mjs'));
      expect(j.argv[0]!.startsWith(join(tmpdir(), 'sw-chaos-job-'))).toBe(true);
      expect((await startChaosRun(j, env({})).exit).stdout).toBe('READY\n');
      j.dispose();
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});

describe('startChaosRun', () => {
  it('resolves ready at the marker and exit with the code and output', async () => {
    const run = startChaosRun(job, env({ CHAOS_LIFE_MS: '50', CHAOS_EXIT: '3' }));
    expect(run.isReady()).toBe(false);
    await run.ready;
    expect(run.isReady()).toBe(true);
    expect(await run.exit).toEqual({ code: 3, signal: null, stdout: 'READY\nDONE\n', stderr: '' });
    expect(run.exited()).toBe(true);
  });

  it('takes another ready marker', async () => {
    const run = startChaosRun(job, env({ CHAOS_LIFE_MS: '0' }), { readyMarker: 'DONE' });
    await run.ready;
    expect((await run.exit).stdout).toBe('READY\nDONE\n');
  });

  it('SIGKILLs a run that outlives timeoutMs', async () => {
    const run = startChaosRun(job, env({ CHAOS_READY_MS: '60000' }), { timeoutMs: 300 });
    expect(await run.exit).toEqual({ code: null, signal: 'SIGKILL', stdout: '', stderr: '' });
    expect(run.isReady()).toBe(false);
  });
});

describe('killRestartLoop', () => {
  it('kills every run after its ready marker and restarts it, two random draws per run', async () => {
    const random = scripted([0.5, 0.1]); // never a start-up kill (0.5 >= 0.15); 20 ms after READY
    const afterKill = jest.fn();
    const log = jest.fn();
    const result = await killRestartLoop({ job, env: env({}), kills: 4, random, afterKill, log, logEvery: 2 });
    expect(result).toEqual({ restarts: 4, startupKills: 0, endedEarly: 0 });
    expect(random.calls()).toBe(8);
    expect(afterKill.mock.calls).toEqual([[1], [2], [3], [4]]);
    expect(log.mock.calls.map(([l]: [string]) => l.replace(/\d+ s/, 'N s'))).toEqual(['chaos: 2 restarts (N s)', 'chaos: 4 restarts (N s)']);
  });

  it('counts the kills that land before the ready marker as start-up kills', async () => {
    const random = scripted([0.1, 0]); // a start-up kill at once, long before READY (after 5 s)
    const result = await killRestartLoop({ job, env: env({ CHAOS_READY_MS: '5000' }), kills: 3, random, startupShare: 0.2, startupWindowMs: 10 });
    expect(result).toEqual({ restarts: 3, startupKills: 3, endedEarly: 0 });
  });

  it('counts a run that ends with 0 before its kill as a restart', async () => {
    const random = scripted([0.9, 0.99]); // 1.98 s after READY, the job ends 0 ms after it
    const result = await killRestartLoop({ job, env: env({ CHAOS_LIFE_MS: '0' }), kills: 2, random, windowMs: 2000 });
    expect(result).toEqual({ restarts: 2, startupKills: 0, endedEarly: 2 });
  });

  it('fails on a run that ends with another code, or at all with endedEarly: fail', async () => {
    const random = scripted([0.9, 0.99]);
    await expect(killRestartLoop({ job, env: env({ CHAOS_LIFE_MS: '0', CHAOS_EXIT: '2' }), kills: 2, random, windowMs: 2000 })).rejects.toThrow(
      'chaos run 1 ended before its kill (exit 2):\nREADY\nDONE\n',
    );
    await expect(killRestartLoop({ job, env: env({ CHAOS_LIFE_MS: '0' }), kills: 5, random, windowMs: 2000, endedEarly: 'fail' })).rejects.toThrow(
      'chaos run 1 ended before its kill (exit 0; the input is too short for 5 kills?)',
    );
  });

  it('replays the same choices from the same seed', async () => {
    const draws = async (seed: number) => {
      const seen: number[] = [];
      const random = seededRandom(seed);
      const spy = () => {
        const r = random();
        seen.push(r);
        return r;
      };
      await killRestartLoop({ job, env: env({}), kills: 3, random: spy, windowMs: 20, startupWindowMs: 20 });
      return seen;
    };
    const a = await draws(7);
    expect(a).toHaveLength(6);
    expect(await draws(7)).toEqual(a);
  });
});
