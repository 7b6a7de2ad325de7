/**
 * Decode throughput of each format vs its bare library in the same run, and CSV vs DuckDB.
 * Run: pnpm --filter @streamweave/formats bench
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { forEach, fromArray, pipeline, type Transformer } from '@streamweave/core';
import { csvDecode, jsonStreamDecode, msgpackDecode, ndjsonDecode } from '@streamweave/formats';
import { Packr, Unpackr } from 'msgpackr';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';

const N = Number(process.env.BENCH_RECORDS ?? 200_000);
const chunkSize = 64 * 1024;
const records = Array.from({ length: N }, (_, i) => ({ id: i, name: `user-${i}`, email: `u${i}@example.com`, score: i * 0.37, active: i % 3 === 0, city: i % 5 === 0 ? 'Zürich, CH' : 'Paris' }));

function chunks(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) out.push(bytes.subarray(i, i + chunkSize));
  return out;
}

async function best(fn: () => Promise<number> | number, runs = 3): Promise<{ ms: number; count: number }> {
  let ms = Infinity;
  let count = 0;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    count = await fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, count };
}

async function throughStream<T>(t: () => Transformer<Uint8Array, T>, bytes: Uint8Array): Promise<number> {
  let n = 0;
  await pipeline().from(fromArray(chunks(bytes))).pipe(t()).to(forEach(() => void n++)).run({ creditWindow: 4096 });
  return n;
}

const rows: string[][] = [];
function report(name: string, bytes: number, ours: { ms: number; count: number }, base: { ms: number; count: number }, baseName: string): void {
  const mbs = (x: { ms: number }) => (bytes / 1e6 / (x.ms / 1000)).toFixed(1);
  const rps = (x: { ms: number; count: number }) => Math.round(x.count / (x.ms / 1000)).toLocaleString('en-US');
  rows.push([name, `${mbs(ours)} MB/s`, `${rps(ours)} rec/s`, `${baseName}: ${mbs(base)} MB/s`, `${(base.ms / ours.ms).toFixed(2)}×`]);
}

const enc = new TextEncoder();
const ndjson = enc.encode(records.map((r) => JSON.stringify(r)).join('\n') + '\n');
report(
  'NDJSON ndjsonDecode',
  ndjson.length,
  await best(() => throughStream(() => ndjsonDecode(), ndjson)),
  await best(() => new TextDecoder().decode(ndjson).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown).length),
  'TextDecoder + JSON.parse per line',
);

const doc = enc.encode(JSON.stringify({ meta: { n: N }, data: { items: records } }));
report(
  'JSON jsonStreamDecode $.data.items[*]',
  doc.length,
  await best(() => throughStream(() => jsonStreamDecode({ path: '$.data.items[*]' }), doc)),
  await best(() => (JSON.parse(new TextDecoder().decode(doc)) as { data: { items: unknown[] } }).data.items.length),
  'JSON.parse of the whole document',
);

const csvText = ['id,name,email,score,active,city', ...records.map((r) => `${r.id},${r.name},${r.email},${r.score},${r.active},${r.city.includes(',') ? `"${r.city}"` : r.city}`)].join('\r\n') + '\r\n';
const csv = enc.encode(csvText);
const csvOurs = await best(() => throughStream(() => csvDecode(), csv));
report('CSV csvDecode (header, strings)', csv.length, csvOurs, await best(() => Papa.parse(new TextDecoder().decode(csv), { header: true, skipEmptyLines: true }).data.length), 'papaparse (whole string)');
const dir = mkdtempSync(join(tmpdir(), 'sw-bench-'));
const csvFile = join(dir, 'bench.csv');
writeFileSync(csvFile, csv);
const duck = await (await DuckDBInstance.create(':memory:')).connect();
const duckCsv = await best(async () => {
  await duck.run('DROP TABLE IF EXISTS t');
  await duck.run(`CREATE TABLE t AS SELECT * FROM read_csv('${csvFile}', header = true, all_varchar = true)`);
  return N;
});
report('CSV csvDecode vs DuckDB', csv.length, csvOurs, duckCsv, 'DuckDB read_csv into a table (multi-threaded C++)');

const packr = new Packr({ useRecords: false });
const msgpack = (() => {
  const parts = records.map((r) => packr.pack(r));
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
})();
report(
  'MessagePack msgpackDecode',
  msgpack.length,
  await best(() => throughStream(() => msgpackDecode(), msgpack)),
  await best(() => (new Unpackr({ useRecords: false }).unpackMultiple(msgpack) as unknown[]).length),
  'msgpackr unpackMultiple (whole buffer)',
);
rmSync(dir, { recursive: true, force: true });

console.log(`${N.toLocaleString('en-US')} records, ${chunkSize / 1024} KiB chunks, best of 3 (ratio = baseline time / our time; ≥ 1 means faster)\n`);
console.log('| decoder | throughput | records/s | baseline | ratio |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
