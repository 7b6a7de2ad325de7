/**
 * Interop with independent Arrow implementations: DuckDB (C++) produces and
 * checks the data, parquet-wasm (arrow-rs, Rust) reads and writes the Arrow IPC bytes.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { arrowDecode, arrowEncode } from '@streamweave/formats-arrow';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readParquet, Table as WasmTable, writeParquet } from 'parquet-wasm';
import { chunked, concat, runCodec } from '@streamweave/testing';

describe('Arrow IPC interop with arrow-rs (parquet-wasm) and DuckDB', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sw-arrow-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function duck() {
    const db = await DuckDBInstance.create(':memory:');
    return db.connect();
  }

  it('reads an IPC stream written by arrow-rs from DuckDB data', async () => {
    const c = await duck();
    const file = join(dir, 'in.parquet');
    await c.run(
      `COPY (SELECT i::INTEGER AS id, 'name-' || i AS name, (i * 0.5)::DOUBLE AS score, i % 3 = 0 AS flag FROM range(0, 2500) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`,
    );
    const expected = (await c.runAndReadAll('SELECT * FROM read_parquet(?) ORDER BY id', [file])).getRowObjectsJS();
    const ipc = readParquet(readFileSync(file)).intoIPCStream(); // written by arrow-rs
    const r = await runCodec(arrowDecode(), chunked(ipc, 4096));
    expect(r.items).toHaveLength(2500);
    expect(r.items).toEqual(expected);
  });

  it('writes an IPC stream that arrow-rs reads and DuckDB then sees unchanged', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => ({ id: i, name: i % 7 === 0 ? null : `n${i}`, score: i / 4, flag: i % 2 === 0 }));
    const encoded = await runCodec(arrowEncode({ batchSize: 500 }), rows);
    const table = WasmTable.fromIPCStream(concat(encoded.items)); // read by arrow-rs
    const file = join(dir, 'out.parquet');
    writeFileSync(file, writeParquet(table));
    const c = await duck();
    const back = (await c.runAndReadAll('SELECT id::INTEGER AS id, name, score, flag FROM read_parquet(?) ORDER BY id', [file])).getRowObjectsJS();
    expect(back).toEqual(rows);
  });
});
