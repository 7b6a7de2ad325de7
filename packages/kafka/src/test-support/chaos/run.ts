/**
 * Script entry of the chaos tests: `pnpm --filter @streamweave/kafka chaos [kills] [seed]` (the
 * stateless job, barriers injected) or `… chaos aggregate [kills] [seed]` (keyed state under a
 * CheckpointCoordinator, the sink's two-phase commit).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brokers } from '../services.js';
import { bundleAggregateJob, formatAggregateReport, runAggregateChaos } from './aggregateDriver.js';
import { bundleChaosJob, formatReport, runKafkaChaos } from './driver.js';

const aggregate = process.argv[2] === 'aggregate';
const args = process.argv.slice(aggregate ? 3 : 2);
const kills = Number(args[0] ?? (aggregate ? 30 : 100));
const seed = Number(args[1] ?? 42);
const here = dirname(fileURLToPath(import.meta.url));
const job = aggregate ? await bundleAggregateJob(join(here, 'aggregateJob.ts')) : await bundleChaosJob(join(here, 'job.ts'));
try {
  if (aggregate) {
    const report = await runAggregateChaos({ job, brokers, seed, kills, log: (l) => console.log(l) });
    console.log(formatAggregateReport(report));
    process.exit(report.exact && report.restarts === kills ? 0 : 1);
  } else {
    const report = await runKafkaChaos({ job, brokers, seed, kills, log: (l) => console.log(l) });
    console.log(formatReport(report));
    process.exit(report.exact && report.restarts === kills ? 0 : 1);
  }
} finally {
  job.dispose();
}
