/** Script entry of the chaos test: `pnpm --filter @streamweave/kafka chaos [kills] [seed]`. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brokers } from '../services.js';
import { bundleChaosJob, formatReport, runKafkaChaos } from './driver.js';

const kills = Number(process.argv[2] ?? 100);
const seed = Number(process.argv[3] ?? 42);
const job = await bundleChaosJob(join(dirname(fileURLToPath(import.meta.url)), 'job.ts'));
try {
  const report = await runKafkaChaos({ job, brokers, seed, kills, log: (l) => console.log(l) });
  console.log(formatReport(report));
  process.exit(report.exact && report.restarts === kills ? 0 : 1);
} finally {
  job.dispose();
}
