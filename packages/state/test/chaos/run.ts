/** Script entry of the chaos test: `pnpm --filter @streamweave/state chaos lmdb,redis,postgres 42`. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleChaosJob, type ChaosOptions, formatReport, runChaos } from './driver.js';

const backends = (process.argv[2] ?? 'lmdb').split(',') as Array<ChaosOptions['backend']>;
const seed = Number(process.argv[3] ?? 42);
const job = await bundleChaosJob(join(dirname(fileURLToPath(import.meta.url)), 'job.ts'));
let ok = true;
try {
  for (const backend of backends) {
    const r = await runChaos({ backend, seed, job, log: (l) => console.log(l) });
    console.log(formatReport(r));
    ok &&= r.exact;
  }
} finally {
  job.dispose();
}
process.exit(ok ? 0 : 1);
