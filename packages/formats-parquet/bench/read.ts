/**
 * Parquet read throughput: parquetSource vs hyparquet used directly and vs DuckDB, on the same file.
 * Run: pnpm --filter @streamweave/formats-parquet bench
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { forEach, pipeline } from '@streamweave/core';
import { parquetSource } from '@streamweave/formats-parquet';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.env.BENCH_RECORDS ?? 500_000);
const dir = mkdtempSync(join(tmpdir(), 'sw-pq-bench-'));
const file = join(dir, 'bench.parquet');
const duck = await (await DuckDBInstance.create(':memory:')).connect();
await duck.run(
  `COPY (SELECT i::INTEGER AS id, 'user-' || (i % 1000) AS name, (i * 0.37)::DOUBLE AS score, i % 3 = 0 AS active FROM range(0, ${N}) t(i)) TO '${file}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 102400)`,
);
const bytes = new Uint8Array(readFileSync(file));

async function best(fn: () => Promise<number>): Promise<{ ms: number; count: number }> {
  let ms = Infinity;
  let count = 0;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    count = await fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, count };
}
const ours = await best(async () => {
  let n = 0;
  await pipeline().from(parquetSource(bytes)).to(forEach(() => void n++)).run({ creditWindow: 8192 });
  return n;
});
const grouped = await best(async () => {
  let n = 0;
  await pipeline().from(parquetSource(bytes, { output: 'rowGroups' })).to(forEach((g: unknown[]) => void (n += g.length))).run();
  return n;
});
const bare = await best(async () => {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return (await parquetReadObjects({ file: ab, compressors })).length;
});
const duckdb = await best(async () => {
  await duck.run('DROP TABLE IF EXISTS t');
  await duck.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${file}')`);
  return N;
});
const projected = await best(async () => {
  let n = 0;
  await pipeline().from(parquetSource(bytes, { columns: ['id'], rowGroupFilter: (g) => (g.columns.id!.max as number) >= N / 2 })).to(forEach(() => void n++)).run();
  return n;
});
rmSync(dir, { recursive: true, force: true });
const mb = bytes.length / 1e6;
const fmt = (x: { ms: number; count: number }) => `${(mb / (x.ms / 1000)).toFixed(1)} MB/s, ${Math.round(x.count / (x.ms / 1000)).toLocaleString('en-US')} rows/s`;
console.log(`${N.toLocaleString('en-US')} rows, ${mb.toFixed(1)} MB snappy file written by DuckDB, row groups of 102 400, best of 3; ratio = baseline time / our time\n`);
console.log('| reader | throughput | ratio |\n|---|---|---|');
console.log(`| parquetSource (row group by row group) | ${fmt(ours)} | — |`);
console.log(`| parquetSource output: 'rowGroups' (one array per row group) | ${fmt(grouped)} | — |`);
console.log(`| hyparquet parquetReadObjects (whole file at once) | ${fmt(bare)} | rows ${(bare.ms / ours.ms).toFixed(2)}×, rowGroups ${(bare.ms / grouped.ms).toFixed(2)}× |`);
console.log(`| DuckDB read_parquet into a table (native, multi-threaded) | ${fmt(duckdb)} | rows ${(duckdb.ms / ours.ms).toFixed(2)}×, rowGroups ${(duckdb.ms / grouped.ms).toFixed(2)}× |`);
console.log(`| parquetSource, 1 column, half the row groups skipped on statistics | ${fmt(projected)} (${projected.count.toLocaleString('en-US')} rows) | ${(ours.ms / projected.ms).toFixed(2)}× faster than a full read |`);
