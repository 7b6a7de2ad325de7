/**
 * Interop with DuckDB (an independent CSV and JSON implementation): we read
 * what DuckDB writes and DuckDB reads what we write, including quoting,
 * embedded newlines and non-ASCII text.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { csvDecode, csvEncode, jsonStreamDecode, ndjsonDecode, ndjsonEncode } from '@streamweave/formats';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunked, concat, runCodec } from '@streamweave/testing';

const source = `SELECT i::INTEGER AS id, CASE WHEN i % 4 = 0 THEN 'quote "q", comma' WHEN i % 4 = 1 THEN E'line\\nbreak' WHEN i % 4 = 2 THEN 'Åsa 😀' ELSE NULL END AS text, (i * 0.5)::DOUBLE AS score FROM range(0, 500) t(i)`;

describe('CSV and JSON interop with DuckDB', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sw-formats-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const duck = async () => (await DuckDBInstance.create(':memory:')).connect();

  it('reads CSV written by DuckDB, with typed columns', async () => {
    const c = await duck();
    const file = join(dir, 'duck.csv');
    await c.run(`COPY (${source}) TO '${file}' (FORMAT csv, HEADER true)`);
    const expected = (await c.runAndReadAll(`${source} ORDER BY id`)).getRowObjectsJS();
    const r = await runCodec(csvDecode({ columns: { id: 'integer', score: 'number', text: (raw) => (raw === '' ? null : raw) } }), chunked(readFileSync(file), 1000));
    expect(r.items).toEqual(expected);
  });

  it('writes CSV that DuckDB reads back unchanged', async () => {
    const c = await duck();
    const rows = (await c.runAndReadAll(`${source} ORDER BY id`)).getRowObjectsJS();
    const file = join(dir, 'sw.csv');
    writeFileSync(file, concat((await runCodec(csvEncode(), rows)).items));
    const back = (await c.runAndReadAll(`SELECT id::INTEGER AS id, text, score::DOUBLE AS score FROM read_csv(?, header = true, quote = '"', escape = '"', all_varchar = true) ORDER BY id`, [file])).getRowObjectsJS();
    expect(back).toEqual(rows);
  });

  it('reads NDJSON and a JSON array written by DuckDB', async () => {
    const c = await duck();
    const ndjson = join(dir, 'duck.ndjson');
    const array = join(dir, 'duck.json');
    await c.run(`COPY (${source} ORDER BY id) TO '${ndjson}' (FORMAT json)`);
    await c.run(`COPY (${source} ORDER BY id) TO '${array}' (FORMAT json, ARRAY true)`);
    const expected = (await c.runAndReadAll(`${source} ORDER BY id`)).getRowObjectsJS();
    expect((await runCodec(ndjsonDecode(), chunked(readFileSync(ndjson), 777))).items).toEqual(expected);
    expect((await runCodec(jsonStreamDecode(), chunked(readFileSync(array), 777))).items).toEqual(expected);
  });

  it('writes NDJSON that DuckDB reads back unchanged', async () => {
    const c = await duck();
    const rows = (await c.runAndReadAll(`${source} ORDER BY id`)).getRowObjectsJS();
    const file = join(dir, 'sw.ndjson');
    writeFileSync(file, concat((await runCodec(ndjsonEncode(), rows)).items));
    const back = (await c.runAndReadAll(`SELECT id::INTEGER AS id, text, score::DOUBLE AS score FROM read_json(?, format = 'newline_delimited') ORDER BY id`, [file])).getRowObjectsJS();
    expect(back).toEqual(rows);
  });
});
