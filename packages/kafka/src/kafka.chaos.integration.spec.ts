/**
 * Exactly-once under SIGKILL, two jobs run as child processes (bundled once with esbuild),
 * SIGKILLed at seeded random moments, restarted each time, then run to the end; kcat reads
 * the output under read_committed.
 * - Stateless, barriers injected (no coordinator): Kafka → ids per key and epoch → Kafka,
 *   one transaction committed per barrier, 100 kills (STREAMWEAVE_KAFKA_CHAOS_KILLS); every
 *   input record id must appear exactly once, under its key.
 * - Keyed state under a CheckpointCoordinator, restored at every start: Kafka → running total
 *   per key → Kafka with the sink's two-phase commit, 30 kills
 *   (STREAMWEAVE_KAFKA_AGGREGATE_CHAOS_KILLS); every key's sequence of totals must be exactly
 *   the one its input gives.
 */
import { join } from 'node:path';
import { bundleAggregateJob, formatAggregateReport, runAggregateChaos } from './test-support/chaos/aggregateDriver.js';
import { bundleChaosJob, type ChaosJob, formatReport, runKafkaChaos } from './test-support/chaos/driver.js';
import { brokers, kafkaUp } from './test-support/services.js';

const up = kafkaUp();
const describeKafka = up ? describe : describe.skip;
const kills = Number(process.env.STREAMWEAVE_KAFKA_CHAOS_KILLS ?? 100);
const aggregateKills = Number(process.env.STREAMWEAVE_KAFKA_AGGREGATE_CHAOS_KILLS ?? 30);
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

describeKafka('Kafka exactly-once with keyed state under SIGKILL (real broker, child processes)', () => {
  let job: ChaosJob | undefined;
  beforeAll(async () => {
    job = await bundleAggregateJob(join(__dirname, 'test-support', 'chaos', 'aggregateJob.ts'));
  });
  afterAll(() => job?.dispose());

  it(`Kafka → running total per key → Kafka under a CheckpointCoordinator survives ${aggregateKills} SIGKILLs: every key's totals exactly as its input gives`, async () => {
    const report = await runAggregateChaos({ job: job!, brokers, seed, kills: aggregateKills });
    console.log(formatAggregateReport(report));
    expect(report).toMatchObject({ restarts: aggregateKills, records: 10_000, emitted: 10_000, wrongKeys: [], offsetsAtEnd: true, exact: true });
    // The kills landed mid-stream: the killed runs committed part of the output.
    expect(report.committedByKilledRuns).toBeGreaterThan(0);
    expect(report.committedByKilledRuns).toBeLessThan(10_000);
  }, 240_000);
});
