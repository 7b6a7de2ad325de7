// Load benchmark: autocannon against pipeline-backed endpoints and plain
// handlers doing the same work, each server in its own process.
//   pnpm --filter @streamweave/http bench            (10 s per mode, 100k requests for memory)
//   BENCH_SECONDS=5 BENCH_REQUESTS=20000 BENCH_ROWS=1000 BENCH_MODES=item-plain,item-pipeline pnpm --filter @streamweave/http bench
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const amount = Number(process.env['BENCH_REQUESTS'] ?? 100_000);
const connections = 32;
const rowsPerBody = Number(process.env['BENCH_ROWS'] ?? 100);
const body = Array.from({ length: rowsPerBody }, (_, i) => JSON.stringify({ id: i, v: i * 3 })).join('\n') + '\n';

async function start(mode: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--expose-gc', '--conditions=@streamweave/source', '--import', 'tsx', join(here, 'server.ts'), mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      const m = /listening (\d+)/.exec(c.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server ${mode} exited with ${code}`)));
  });
  return { port, child };
}

function load(port: number, mode: string, opts: { duration?: number; amount?: number }): Promise<autocannon.Result> {
  const stream = mode.startsWith('stream');
  return autocannon({
    url: `http://127.0.0.1:${port}${stream ? '/ingest' : '/rows/7'}`,
    connections,
    ...(stream ? { method: 'POST' as const, body, headers: { 'content-type': 'application/x-ndjson' } } : {}),
    ...opts,
  });
}

async function heapMb(port: number): Promise<number> {
  const m = (await (await fetch(`http://127.0.0.1:${port}/__mem`)).json()) as { heapUsed: number };
  return m.heapUsed / 1024 / 1024;
}

const rows: string[] = [];
const rps: Record<string, number> = {};
const modes = (process.env['BENCH_MODES'] ?? 'stream-plain,stream-pipeline,item-plain,item-pipeline').split(',');
for (const mode of modes) {
  const { port, child } = await start(mode);
  try {
    await load(port, mode, { duration: 2 }); // warm-up (JIT, pools)
    const r = await load(port, mode, { duration: seconds });
    rps[mode] = r.requests.average;
    if (r.errors > 0 || r.non2xx > 0) throw new Error(`${mode}: ${r.errors} errors, ${r.non2xx} non-2xx`);
    let memory = '';
    if (mode.endsWith('pipeline')) {
      const before = await heapMb(port);
      const m = await load(port, mode, { amount });
      if (m.errors > 0 || m.non2xx > 0) throw new Error(`${mode}: ${m.errors} errors, ${m.non2xx} non-2xx`);
      const after = await heapMb(port);
      memory = ` | heap after warm-up ${before.toFixed(1)} MB → after ${amount} more requests ${after.toFixed(1)} MB`;
    }
    rows.push(`${mode.padEnd(16)} ${r.requests.average.toFixed(0).padStart(7)} req/s  p99 ${r.latency.p99} ms${memory}`);
  } finally {
    child.kill();
  }
}
console.log(rows.join('\n'));
if (rps['stream-pipeline'] && rps['stream-plain']) {
  console.log(`streamed NDJSON body (${rowsPerBody} rows), pipelineHandler vs plain: ${(rps['stream-pipeline'] / rps['stream-plain']).toFixed(2)}×`);
}
if (rps['item-pipeline'] && rps['item-plain']) {
  console.log(`request-per-item, requestServer vs plain:                ${(rps['item-pipeline'] / rps['item-plain']).toFixed(2)}×`);
}
