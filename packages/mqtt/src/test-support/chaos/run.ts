/** Script entry of the chaos test: `pnpm --filter @streamweave/mqtt chaos [journal|nojournal] [kills] [seed]`. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { port, url } from '../services.js';
import { bundleChaosJob, formatReport, runMqttChaos } from './driver.js';

const journal = (process.argv[2] ?? 'journal') !== 'nojournal';
const kills = Number(process.argv[3] ?? 8);
const seed = Number(process.argv[4] ?? 20261127);
const job = await bundleChaosJob(join(dirname(fileURLToPath(import.meta.url)), 'job.ts'));
try {
  const report = await runMqttChaos({ job, url, port, journal, seed, kills, log: (l) => console.log(l) });
  console.log(formatReport(report));
  process.exit(report.lost === 0 ? 0 : 1);
} finally {
  job.dispose();
}
