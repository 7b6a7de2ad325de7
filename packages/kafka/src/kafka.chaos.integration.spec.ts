/**
 * Exactly-once under SIGKILL: a Kafka → ids per key and epoch → Kafka job with one
 * transaction per checkpoint epoch runs as a child process (bundled once with esbuild),
 * is SIGKILLed at seeded random moments 100 times (STREAMWEAVE_KAFKA_CHAOS_KILLS), restarted
 * each time, then runs to the end; kcat reads the output under read_committed and every
 * input record id must appear exactly once, under its key.
 */
import { join } from 'node:path';
import { bundleChaosJob, type ChaosJob, formatReport, runKafkaChaos } from './test-support/chaos/driver.js';
import { brokers, kafkaUp } from './test-support/services.js';

const up = kafkaUp();
const describeKafka = up ? describe : describe.skip;
const kills = Number(process.env.STREAMWEAVE_KAFKA_CHAOS_KILLS ?? 100);
const seed = Number(process.env.STREAMWEAVE_CHAOS_SEED ?? 20261127);

describeKafka('Kafka exactly-once under SIGKILL (real broker, child processes)', () => {
  let job: ChaosJob | undefined;
  beforeAll(async () => {
    job = await bundleChaosJob(join(__dirname, 'test-support', 'chaos', 'job.ts'));
  });
  afterAll(() => job?.dispose());

  it(`Kafka → ids per key and epoch → Kafka with transactions survives ${kills} SIGKILLs: nothing lost, nothing duplicated`, async () => {
    const report = await runKafkaChaos({ job: job!, brokers, seed, kills });
    console.log(formatReport(report));
    expect(report).toMatchObject({ restarts: kills, checked: 20_000, lost: 0, duplicated: 0, misplaced: 0, offsetsAtEnd: true, exact: true });
    // The kills landed mid-stream: the killed runs committed part of the input, and some inside open transactions.
    expect(report.committedByKilledRuns).toBeGreaterThan(0);
    expect(report.committedByKilledRuns).toBeLessThan(20_000);
    if (kills >= 50) expect(report.abortedOutputRecords).toBeGreaterThan(0);
  }, 600_000);
});
