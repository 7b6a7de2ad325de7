/** Interop with DuckDB (an independent Parquet implementation, C++), both ways, snappy and zstd. */
import { DuckDBInstance } from '@duckdb/node-api';
import { collect, pipeline } from '@streamweave/core';
import { parquetEncode, parquetSource, zstdCompressors } from '@streamweave/formats-parquet';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concat, runCodec } from '@streamweave/testing';

describe('Parquet interop with DuckDB', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sw-parquet-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const duck = async () => (await DuckDBInstance.create(':memory:')).connect();

  it.each(['snappy', 'zstd'])('reads a %s file written by DuckDB, with projection and row-group skipping', async (codec) => {
    const c = await duck();
    const file = join(dir, `duck-${codec}.parquet`);
    await c.run(
      `COPY (SELECT i::INTEGER AS id, 'name-' || i AS name, (i * 0.25)::DOUBLE AS score, i % 3 = 0 AS flag, CASE WHEN i % 10 = 0 THEN NULL ELSE i::BIGINT * 1000 END AS big
             FROM range(0, 10000) t(i)) TO '${file}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 2048)`,
    );
    const expected = (await c.runAndReadAll('SELECT * FROM read_parquet(?) ORDER BY id', [file])).getRowObjectsJS();
    const bytes = readFileSync(file);
    const all = (await pipeline().from(parquetSource(bytes)).to(collect()).run()).result;
    expect(all).toEqual(expected.map((r) => ({ ...r, big: r.big === null ? null : BigInt(r.big as number) })));
    const groups: number[] = [];
    const some = (
      await pipeline()
        .from(parquetSource(bytes, { columns: ['id', 'flag'], rowGroupFilter: (g) => groups.push(g.index) > 0 && (g.columns.id!.min as number) >= 6000 }))
        .to(collect())
        .run()
    ).result;
    expect(groups).toEqual([0, 1, 2, 3, 4]);
    expect(some).toEqual(expected.filter((r) => (r.id as number) >= 6144).map((r) => ({ id: r.id, flag: r.flag })));
  });

  it.each(['snappy', 'zstd'] as const)('writes a %s file that DuckDB reads, with the row groups and codec asked for', async (compression) => {
    const rows = Array.from({ length: 2500 }, (_, i) => ({ id: i, name: i % 7 === 0 ? null : `n${i}`, score: i / 4, flag: i % 2 === 0 }));
    const compressors = compression === 'zstd' ? await zstdCompressors() : undefined;
    const bytes = concat((await runCodec(parquetEncode({ columns: [{ name: 'id', type: 'INT32' }, 'name', 'score', 'flag'], rowGroupSize: 1000, compression, ...(compressors ? { compressors } : {}) }), rows)).items);
    const file = join(dir, `sw-${compression}.parquet`);
    writeFileSync(file, bytes);
    const c = await duck();
    const back = (await c.runAndReadAll('SELECT * FROM read_parquet(?) ORDER BY id', [file])).getRowObjectsJS();
    expect(back).toEqual(rows);
    const meta = (
      await c.runAndReadAll('SELECT DISTINCT row_group_id, row_group_num_rows, compression FROM parquet_metadata(?) ORDER BY row_group_id', [file])
    ).getRowObjectsJS();
    expect(meta.map((m) => [Number(m.row_group_id), Number(m.row_group_num_rows), m.compression])).toEqual([
      [0, 1000, compression.toUpperCase()],
      [1, 1000, compression.toUpperCase()],
      [2, 500, compression.toUpperCase()],
    ]);
    const stats = (await c.runAndReadAll("SELECT stats_min_value AS stats_min, stats_max_value AS stats_max FROM parquet_metadata(?) WHERE path_in_schema = 'id' ORDER BY row_group_id", [file])).getRowObjectsJS();
    expect(stats).toEqual([
      { stats_min: '0', stats_max: '999' },
      { stats_min: '1000', stats_max: '1999' },
      { stats_min: '2000', stats_max: '2499' },
    ]);
  });
});
