/**
 * Script entry of the chaos test: `pnpm --filter @streamweave/state chaos lmdb,redis,postgres,lmdb/lmdb 42`
 * (`backend/store`: `lmdb/lmdb` keeps the keyed working state in lmdbKeyedStore).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleChaosJob, type ChaosOptions, formatReport, runChaos } from './driver.js';

const backends = (process.argv[2] ?? 'lmdb').split(',');
const seed = Number(process.argv[3] ?? 42);
const job = await bundleChaosJob(join(dirname(fileURLToPath(import.meta.url)), 'job.ts'));
let ok = true;
try {
  for (const spec of backends) {
    const [backend, store] = spec.split('/') as [ChaosOptions['backend'], ChaosOptions['store']];
    const r = await runChaos({ backend, ...(store ? { store } : {}), seed, job, log: (l) => console.log(l) });
    console.log(formatReport(r));
    ok &&= r.exact;
  }
} finally {
  job.dispose();
}
process.exit(ok ? 0 : 1);
