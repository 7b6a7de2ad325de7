/**
 * Reads a large text file (1 GiB by default) with readLines through a pipeline that
 * counts lines, and compares it with a plain `readline` loop over
 * fs.createReadStream in the same run. Also samples memory to show it stays
 * bounded by the chunk size, not the file size.
 *
 *   pnpm --filter @streamweave/files bench            # 1 GiB, cached in os.tmpdir()
 *   BENCH_MB=256 pnpm --filter @streamweave/files bench
 */
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline, reduceTo } from '@streamweave/core';
import { readLines } from '@streamweave/files';

const megabytes = Number(process.env['BENCH_MB'] ?? 1024);
const size = megabytes * 1024 * 1024;
const file = join(tmpdir(), `streamweave-bench-lines-${megabytes}mb.txt`);

async function generate(): Promise<void> {
  if (existsSync(file) && statSync(file).size === size) {
    console.log(`using cached ${file}`);
    return;
  }
  console.log(`generating ${file} (${megabytes} MiB)…`);
  const out = createWriteStream(file);
  let written = 0;
  let i = 0;
  // Lines of 20–180 bytes with some multi-byte UTF-8, the shape of typical log lines.
  while (written < size) {
    const line = `${i} ${new Date(1_700_000_000_000 + i * 37).toISOString()} user=${i % 997} msg=${'é-ok '.repeat((i * 7) % 30)}\n`;
    let buf = Buffer.from(line);
    if (written + buf.length > size) buf = Buffer.concat([buf.subarray(0, size - written - 1), Buffer.from('\n')]);
    written += buf.length;
    i++;
    if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

interface Measured {
  readonly lines: number;
  readonly seconds: number;
  readonly peakRssDeltaMb: number;
  readonly peakHeapDeltaMb: number;
}

async function measure(run: () => Promise<number>): Promise<Measured> {
  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const t0 = performance.now();
  const lines = await run();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  return { lines, seconds, peakRssDeltaMb: mb(peakRss - base.rss), peakHeapDeltaMb: mb(peakHeap - base.heapUsed) };
}

async function readlineBaseline(): Promise<number> {
  let n = 0;
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const _line of rl) n++;
  return n;
}

async function streamweave(): Promise<number> {
  const { result } = await pipeline()
    .from(readLines(file))
    .to(reduceTo((n: number) => n + 1, 0))
    .run();
  return result;
}

await generate();
const mbps = (m: Measured) => Math.round(megabytes / m.seconds);
// Warm the page cache so both readers are measured on the same footing.
await readlineBaseline();
const baseline = await measure(readlineBaseline);
const ours = await measure(streamweave);
if (ours.lines !== baseline.lines) throw new Error(`line counts differ: readline ${baseline.lines}, readLines ${ours.lines}`);
console.log(`file: ${megabytes} MiB, ${baseline.lines} lines`);
console.log(`readline loop:       ${baseline.seconds.toFixed(2)} s  ${mbps(baseline)} MiB/s  peak RSS +${baseline.peakRssDeltaMb} MiB  peak heap +${baseline.peakHeapDeltaMb} MiB`);
console.log(`readLines pipeline:  ${ours.seconds.toFixed(2)} s  ${mbps(ours)} MiB/s  peak RSS +${ours.peakRssDeltaMb} MiB  peak heap +${ours.peakHeapDeltaMb} MiB`);
console.log(`throughput ratio readLines/readline: ${(baseline.seconds / ours.seconds).toFixed(2)}`);
