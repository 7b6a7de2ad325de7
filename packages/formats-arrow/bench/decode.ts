/**
 * arrowDecode throughput vs apache-arrow used directly, in the same run.
 * Run: pnpm --filter @streamweave/formats-arrow bench
 */
import { forEach, fromArray, pipeline } from '@streamweave/core';
import { arrowDecode } from '@streamweave/formats-arrow';
import { tableFromArrays, tableFromIPC, tableToIPC, type RecordBatch } from 'apache-arrow';

const N = Number(process.env.BENCH_RECORDS ?? 500_000);
const ids = Int32Array.from({ length: N }, (_, i) => i);
const table = tableFromArrays({ id: ids, score: Float64Array.from(ids, (i) => i * 0.37), name: Array.from(ids, (i) => `user-${i % 1000}`) });
const bytes = tableToIPC(table.slice(0), 'stream');
const chunks: Uint8Array[] = [];
for (let i = 0; i < bytes.length; i += 64 * 1024) chunks.push(bytes.subarray(i, i + 64 * 1024));

async function best(fn: () => Promise<number> | number): Promise<{ ms: number; count: number }> {
  let ms = Infinity;
  let count = 0;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    count = await fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, count };
}
const line = (name: string, ours: { ms: number; count: number }, base: { ms: number }, baseName: string) =>
  `| ${name} | ${(bytes.length / 1e6 / (ours.ms / 1000)).toFixed(1)} MB/s | ${Math.round(ours.count / (ours.ms / 1000)).toLocaleString('en-US')} rec/s | ${baseName}: ${(bytes.length / 1e6 / (base.ms / 1000)).toFixed(1)} MB/s | ${(base.ms / ours.ms).toFixed(2)}× |`;

const rowsOurs = await best(async () => {
  let n = 0;
  await pipeline().from(fromArray(chunks)).pipe(arrowDecode()).to(forEach(() => void n++)).run();
  return n;
});
const rowsBase = await best(() => {
  let n = 0;
  for (const row of tableFromIPC(bytes)) if (row.toJSON()) n++;
  return n;
});
const batchesOurs = await best(async () => {
  let n = 0;
  await pipeline().from(fromArray(chunks)).pipe(arrowDecode({ output: 'batches' })).to(forEach((b: RecordBatch) => void (n += b.numRows))).run();
  return n;
});
const batchesBase = await best(() => {
  // The bare library over the same chunked input: join the chunks, then decode (zero-copy).
  const whole = new Uint8Array(bytes.length);
  let o = 0;
  for (const c of chunks) {
    whole.set(c, o);
    o += c.length;
  }
  return tableFromIPC(whole).batches.reduce((s, b) => s + b.numRows, 0);
});
console.log(`${N.toLocaleString('en-US')} rows (${(bytes.length / 1e6).toFixed(1)} MB IPC stream), 64 KiB chunks, best of 3; ratio = baseline time / our time\n`);
console.log('| decoder | throughput | rows/s | baseline | ratio |\n|---|---|---|---|---|');
console.log(line('arrowDecode rows', rowsOurs, rowsBase, 'tableFromIPC + row.toJSON()'));
console.log(line('arrowDecode batches', batchesOurs, batchesBase, 'join chunks + tableFromIPC'));
