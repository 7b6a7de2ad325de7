/**
 * THE acceptance test of exactly-once: file source → keyed running total →
 * exactly-once file sink, SIGKILLed at random moments at least 100 times per
 * backend, must produce exactly the expected output.
 */
import { join } from 'node:path';
import { formatReport, runChaos } from './chaos/driver.js';
import { serviceUp } from './services.js';

jest.setTimeout(240_000);
const jobPath = join(__dirname, 'chaos', 'job.ts');

const seed = Number(process.env.STREAMWEAVE_CHAOS_SEED ?? 20261127);

it('survives 100 SIGKILLs with the LMDB backend: nothing lost, nothing duplicated', async () => {
  const report = await runChaos({ backend: 'lmdb', seed, jobPath });
  console.log(formatReport(report));
  expect(report).toMatchObject({ restarts: 100, lost: 0, duplicated: 0, exact: true, checked: 6_000 });
});

if (serviceUp('redis', 6379)) {
  it('survives 100 SIGKILLs with the Redis backend: nothing lost, nothing duplicated', async () => {
    const report = await runChaos({ backend: 'redis', seed: seed + 1, jobPath });
    console.log(formatReport(report));
    expect(report).toMatchObject({ restarts: 100, lost: 0, duplicated: 0, exact: true, checked: 6_000 });
  });
} else {
  describe.skip('chaos with redis (server absent)', () => undefined);
}

if (serviceUp('postgresql', 5432)) {
  it('survives 100 SIGKILLs with the PostgreSQL backend: nothing lost, nothing duplicated', async () => {
    const report = await runChaos({ backend: 'postgres', seed: seed + 2, jobPath });
    console.log(formatReport(report));
    expect(report).toMatchObject({ restarts: 100, lost: 0, duplicated: 0, exact: true, checked: 6_000 });
  });
} else {
  describe.skip('chaos with postgresql (server absent)', () => undefined);
}
