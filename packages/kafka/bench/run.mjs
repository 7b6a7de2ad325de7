// Runs a benchmark as an application would ship it: the workspace packages (from their
// TypeScript source) bundled by esbuild, the third-party packages (kafkajs) left to Node.
// tsx would wrap every closure of our code in a naming helper that the published build does not
// have, which taxes the per-item path; the raw kafkajs side would not pay it.
//   node bench/run.mjs [bench/kafka.bench.ts]      BENCH_SOURCE=1 runs the source through tsx
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const entry = resolve(process.argv[2] ?? join(here, 'kafka.bench.ts'));
let args;
if (process.env.BENCH_SOURCE === '1') {
  args = ['--conditions=@streamweave/source', '--import', 'tsx', entry];
} else {
  const outdir = join(here, '..', 'node_modules', '.cache', 'streamweave-bench');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'bench.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@streamweave/source'],
    outfile,
    logLevel: 'warning',
    plugins: [
      {
        name: 'third-party-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@streamweave/') ? undefined : { path: a.path, external: true }));
        },
      },
    ],
  });
  args = [outfile];
}
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
