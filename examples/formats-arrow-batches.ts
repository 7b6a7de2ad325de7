// Batch mode: rows become Arrow RecordBatches, a columnar step sums a column per batch, then IPC bytes round-trip.
import { collect, fromArray, map, pipeline } from '@streamweave/core';
import { arrowDecode, arrowEncode, rowsToBatches } from '@streamweave/formats-arrow';
import type { RecordBatch } from 'apache-arrow';

const rows = Array.from({ length: 25_000 }, (_, i) => ({ id: i, price: (i % 100) / 10 }));

// Columnar: one pass over a Float64 column per batch instead of 25 000 row objects.
const sums = await pipeline()
  .from(fromArray(rows))
  .pipe(rowsToBatches({ batchSize: 10_000 }))
  .pipe(map((b: RecordBatch) => { let s = 0; for (const v of b.getChild('price')!) s += v as number; return { rows: b.numRows, sum: Math.round(s * 10) / 10 }; }))
  .to(collect())
  .run();
console.log('per-batch sums:', sums.result);

// Arrow IPC stream bytes and back.
const bytes = await pipeline().from(fromArray(rows)).pipe(arrowEncode({ batchSize: 10_000 })).to(collect<Uint8Array>()).run();
const back = await pipeline().from(fromArray(bytes.result)).pipe(arrowDecode()).to(collect()).run();
console.log(`IPC chunks: ${bytes.result.length}, rows back: ${back.result.length}`);

const total = sums.result.reduce((s, b) => s + b.sum, 0);
if (Math.round(total) !== Math.round(rows.reduce((s, r) => s + r.price, 0)) || JSON.stringify(back.result) !== JSON.stringify(rows)) throw new Error('unexpected result');
