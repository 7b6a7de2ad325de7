/**
 * THE acceptance test of exactly-once: file source → keyed running total →
 * exactly-once file sink, SIGKILLed at random moments at least 100 times per
 * backend, must produce exactly the expected output.
 *
 * The job is bundled once per run (esbuild) and started with plain `node`, so a
 * restart costs the job's own start-up, not a TypeScript compilation.
 */
import { join } from 'node:path';
import { bundleChaosJob, type ChaosJob, formatReport, runChaos } from './chaos/driver.js';
import { serviceUp } from './services.js';

jest.setTimeout(180_000);

const seed = Number(process.env.STREAMWEAVE_CHAOS_SEED ?? 20261127);
let job: ChaosJob;

beforeAll(async () => {
  job = await bundleChaosJob(join(__dirname, 'chaos', 'job.ts'));
});
afterAll(() => job?.dispose());

it('survives 100 SIGKILLs with the LMDB backend: nothing lost, nothing duplicated', async () => {
  const report = await runChaos({ backend: 'lmdb', seed, job });
  console.log(formatReport(report));
  expect(report).toMatchObject({ restarts: 100, lost: 0, duplicated: 0, exact: true, checked: 6_000 });
});

it('survives 100 SIGKILLs with the keyed state in the LMDB working store (4-entry cache, incremental checkpoints)', async () => {
  const report = await runChaos({ backend: 'lmdb', store: 'lmdb', seed: seed + 3, job });
  console.log(formatReport(report));
  expect(report).toMatchObject({ restarts: 100, lost: 0, duplicated: 0, exact: true, checked: 6_000 });
});

if (serviceUp('redis', 6379)) {
  it('survives 100 SIGKILLs with the Redis backend: nothing lost, nothing duplicated', async () => {
    const report = await runChaos({ backend: 'redis', seed: seed + 1, job });
    console.log(formatReport(report));
    expect(report).toMatchObject({ restarts: 100, lost: 0, duplicated: 0, exact: true, checked: 6_000 });
  });
} else {
  describe.skip('chaos with redis (server absent)', () => undefined);
}

if (serviceUp('postgresql', 5432)) {
  it('survives 100 SIGKILLs with the PostgreSQL backend: nothing lost, nothing duplicated', async () => {
    const report = await runChaos({ backend: 'postgres', seed: seed + 2, job });
    console.log(formatReport(report));
    expect(report).toMatchObject({ restarts: 100, lost: 0, duplicated: 0, exact: true, checked: 6_000 });
  });
} else {
  describe.skip('chaos with postgresql (server absent)', () => undefined);
}
