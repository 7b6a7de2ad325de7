// Load benchmark: pipeline-backed endpoints against plain handlers doing the
// same work, each server in its own process.
//   pnpm --filter @streamweave/http bench     (5 rounds of 3 s per pair; heap after 100k and 200k requests)
//   BENCH_SECONDS=3 BENCH_ROUNDS=5 BENCH_REQUESTS=100000 BENCH_ROWS=100 BENCH_PAIRS=stream,item pnpm --filter @streamweave/http bench
//
// Fairness on a small shared machine:
// - the generator is wrk (Debian package `wrk`, one thread) when installed, else
//   autocannon; with `taskset` available the servers are pinned to CPU 0 and wrk
//   to CPU 1 (BENCH_PIN=0 turns pinning off), so the two never compete;
// - the plain and the pipeline server of a pair run side by side and are loaded in
//   alternating rounds, so load from other jobs hits both alike; the ratio is the
//   median of the per-round ratios;
// - each round also reads the server's own CPU time. CPU µs per request is what
//   bounds throughput once the server has a core to itself (capacity = 1 s / CPU
//   per request), and other jobs' load barely changes it; req/s, on a shared
//   machine, also measures how much of its core the server was given (printed as
//   "CPU share": far below 100 % means the scheduler, not the server, set the pace);
// - the server (with the workspace packages) is bundled by esbuild first, as an
//   application would ship it: tsx's on-the-fly transform keeps function names
//   (one defineProperty per closure created), which taxes closure-heavy code such
//   as a run's start-up; BENCH_SOURCE=1 runs the TypeScript source through tsx.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env['BENCH_SECONDS'] ?? 3);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
const amount = Number(process.env['BENCH_REQUESTS'] ?? 100_000);
const connections = 32;
const rowsPerBody = Number(process.env['BENCH_ROWS'] ?? 100);
const pairs = (process.env['BENCH_PAIRS'] ?? 'stream,item').split(',');
const body = Array.from({ length: rowsPerBody }, (_, i) => JSON.stringify({ id: i, v: i * 3 })).join('\n') + '\n';

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const pin = process.env['BENCH_PIN'] !== '0' && has('taskset');
const useWrk = process.env['BENCH_GEN'] !== 'autocannon' && has('wrk');
const postScript = join(tmpdir(), `streamweave-http-bench-${process.pid}.lua`);
writeFileSync(
  postScript,
  `wrk.method = "POST"\nwrk.headers["content-type"] = "application/x-ndjson"\nwrk.body = ${JSON.stringify(body)}\n`,
);

const fromSource = process.env['BENCH_SOURCE'] === '1';
const bundle = join(here, '..', '.bench-tmp', 'server.mjs');
if (!fromSource) {
  await build({
    entryPoints: [join(here, 'server.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@streamweave/source'],
    external: ['bufferutil', 'utf-8-validate'],
    outfile: bundle,
    logLevel: 'warning',
  });
}

async function start(mode: string): Promise<{ port: number; child: ChildProcess }> {
  const args = fromSource
    ? ['--expose-gc', '--conditions=@streamweave/source', '--import', 'tsx', join(here, 'server.ts'), mode]
    : ['--expose-gc', bundle, mode];
  const child = pin
    ? spawn('taskset', ['-c', '0', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      const m = /listening (\d+)/.exec(c.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server ${mode} exited with ${code}`)));
  });
  return { port, child };
}

interface Load {
  rps: number;
  p99: string;
  bad: number;
}

async function load(port: number, mode: string, duration: number): Promise<Load> {
  const stream = mode.startsWith('stream');
  const url = `http://127.0.0.1:${port}${stream ? '/ingest' : '/rows/7'}`;
  if (useWrk) {
    const args = ['-t1', `-c${connections}`, `-d${duration}s`, '--latency', ...(stream ? ['-s', postScript] : []), url];
    const out = await new Promise<string>((resolve, reject) => {
      const child = pin ? spawn('taskset', ['-c', '1', 'wrk', ...args]) : spawn('wrk', args);
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`))));
    });
    const bad = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + Number(/Socket errors: .*?(\d+)/.exec(out) ? 1 : 0);
    return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]), p99: /^\s+99%\s+(\S+)/m.exec(out)![1]!, bad };
  }
  const r = await autocannon({
    url,
    connections,
    duration,
    ...(stream ? { method: 'POST' as const, body, headers: { 'content-type': 'application/x-ndjson' } } : {}),
  });
  return { rps: r.requests.average, p99: `${r.latency.p99}ms`, bad: r.errors + r.non2xx };
}

interface Stats {
  heapUsed: number;
  cpuUs: number;
  requests: number;
}
async function stats(port: number, gc = false): Promise<Stats> {
  return (await (await fetch(`http://127.0.0.1:${port}/__stats${gc ? '?gc=1' : ''}`)).json()) as Stats;
}

/** One measured round: req/s from the generator, CPU µs per request from the server. */
async function round(port: number, mode: string, duration: number): Promise<Load & { cpuPerReq: number; share: number }> {
  const before = await stats(port);
  const t0 = performance.now();
  const r = await load(port, mode, duration);
  const after = await stats(port);
  const elapsedUs = (performance.now() - t0) * 1000;
  if (r.bad > 0) throw new Error(`${mode}: ${r.bad} failed or non-2xx responses`);
  return { ...r, cpuPerReq: (after.cpuUs - before.cpuUs) / (after.requests - before.requests), share: (after.cpuUs - before.cpuUs) / elapsedUs };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mb = (b: number) => (b / 1024 / 1024).toFixed(1);

console.log(
  `generator ${useWrk ? 'wrk -t1' : 'autocannon'}, ${connections} connections, ${pin ? 'servers on CPU 0, generator on CPU 1' : 'no CPU pinning'}, ` +
    `${rounds} alternating rounds of ${seconds} s, ${rowsPerBody}-row NDJSON bodies, ${fromSource ? 'TypeScript source via tsx' : 'esbuild bundle'}`,
);
const summary: string[] = [];
for (const pair of pairs) {
  const plainMode = `${pair}-plain`;
  const pipeMode = `${pair}-pipeline`;
  const plain = await start(plainMode);
  const pipe = await start(pipeMode);
  try {
    for (const [s, m] of [
      [plain, plainMode],
      [pipe, pipeMode],
    ] as const) {
      await load(s.port, m, 2); // warm-up (JIT, pools)
    }
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const a = await round(plain.port, plainMode, seconds);
      const b = await round(pipe.port, pipeMode, seconds);
      ratios.push(b.rps / a.rps);
      cpuRatios.push(a.cpuPerReq / b.cpuPerReq);
      const show = (m: string, x: typeof a) =>
        `${m} ${x.rps.toFixed(0)} req/s, ${x.cpuPerReq.toFixed(1)} µs CPU/req, CPU share ${(x.share * 100).toFixed(0)} %, p99 ${x.p99}`;
      console.log(
        `  round ${i + 1}: ${show(plainMode, a)} | ${show(pipeMode, b)} → ${(b.rps / a.rps).toFixed(2)}× req/s, ${(a.cpuPerReq / b.cpuPerReq).toFixed(2)}× by CPU`,
      );
    }
    // Memory: heap after full GCs, then after `amount` and after 2 × `amount` more
    // requests; a leak would show as growth in proportion to the requests served.
    const heapBefore = await stats(pipe.port, true);
    const heapAfter: Stats[] = [];
    for (const target of [amount, 2 * amount]) {
      while ((await stats(pipe.port)).requests - heapBefore.requests < target) {
        const r = await load(pipe.port, pipeMode, 2);
        if (r.bad > 0) throw new Error(`${pipeMode}: ${r.bad} failed or non-2xx responses`);
      }
      heapAfter.push(await stats(pipe.port, true));
    }
    const name = pair === 'stream' ? `streamed NDJSON body (${rowsPerBody} rows), pipelineHandler vs plain` : 'request-per-item, requestServer vs plain';
    summary.push(
      `${name}: ${median(cpuRatios).toFixed(2)}× by CPU per request, ${median(ratios).toFixed(2)}× req/s (medians of ${rounds} rounds) | ` +
        `heap after GC ${mb(heapBefore.heapUsed)} MB, then ` +
        heapAfter.map((h) => `${mb(h.heapUsed)} MB after ${h.requests - heapBefore.requests}`).join(', ') +
        ' more requests',
    );
  } finally {
    plain.child.kill();
    pipe.child.kill();
  }
}
console.log(summary.join('\n'));
