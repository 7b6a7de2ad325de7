import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, fromArray, InvalidArgumentError, pipeline } from '@streamweave/core';
import { ParquetFormatError } from '@streamweave/formats-parquet';
import { readParquetFile, writeParquetFile } from '@streamweave/formats-parquet/node';
import { parquetMetadata } from 'hyparquet';
import { readFileSync } from 'node:fs';

describe('Parquet files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'formats-parquet-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const rows = Array.from({ length: 25 }, (_, i) => ({ id: i, name: `n${i}`, v: i / 2 }));

  it('writes row groups to a file and reads them back with projection, skipping and row-group output', async () => {
    const file = join(dir, 'rows.parquet');
    const written = await pipeline().from(fromArray(rows)).to(writeParquetFile(file, { rowGroupSize: 10, compression: 'snappy' })).run();
    const bytes = readFileSync(file);
    expect(written.result).toEqual({ records: 25, bytes: bytes.length });
    expect(parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)).row_groups.map((g) => Number(g.num_rows))).toEqual([10, 10, 5]);
    expect((await pipeline().from(readParquetFile(file)).to(collect()).run()).result).toEqual(rows);
    const projected = await pipeline()
      .from(readParquetFile(file, { columns: ['id'], rowGroupFilter: (g) => g.index !== 1 }))
      .to(collect())
      .run();
    expect(projected.result).toEqual([...rows.slice(0, 10), ...rows.slice(20)].map((r) => ({ id: r.id })));
    const groups = await pipeline().from(readParquetFile(file, { output: 'rowGroups' })).to(collect()).run();
    expect(groups.result.map((g) => g.length)).toEqual([10, 10, 5]);
  });

  it('names the file in errors and rejects bad arguments', async () => {
    const file = join(dir, 'bad.parquet');
    writeFileSync(file, 'not parquet at all');
    const e = (await pipeline().from(readParquetFile(file)).to(collect()).run().catch((x: unknown) => x)) as ParquetFormatError;
    expect([e instanceof ParquetFormatError, e.source, e.byteOffset, e.recordIndex]).toEqual([true, file, 10, 0]);
    expect(() => readParquetFile('')).toThrow(InvalidArgumentError);
    expect(() => writeParquetFile(file, { append: true })).toThrow('writeParquetFile: a Parquet file cannot be appended to');
  });
});
