import { checkpointBarrier, collect, fromArray, InvalidArgumentError, onError, pipeline } from '@streamweave/core';
import { ParquetFormatError, parquetDecode, parquetEncode, parquetSource, type ParquetSourceOptions, type RowGroupInfo } from '@streamweave/formats-parquet';
import { parquetMetadata } from 'hyparquet';
import { chunked, concat, runCodec, runCodecError } from '@streamweave/testing';

const rows = Array.from({ length: 25 }, (_, i) => ({ id: i, name: i % 5 === 0 ? null : `n${i}`, v: i / 2, ok: i % 2 === 0 }));

async function encode(input: readonly unknown[], options: Parameters<typeof parquetEncode>[0] = {}): Promise<Uint8Array> {
  return concat((await runCodec(parquetEncode<unknown>(options), input)).items);
}

async function read(file: Uint8Array | ArrayBuffer, options: ParquetSourceOptions & { output?: 'rows' } = {}) {
  return (await pipeline().from(parquetSource(file, options)).to(collect()).run()).result;
}

describe('parquetEncode / parquetSource / parquetDecode', () => {
  it('writes one chunk per row group plus the footer, and reads the rows back', async () => {
    const { items } = await runCodec(parquetEncode({ rowGroupSize: 10 }), rows);
    expect(items).toHaveLength(4);
    const file = concat(items);
    expect(await read(file)).toEqual(rows);
    expect(await read(file.buffer as ArrayBuffer)).toEqual(rows);
    expect((await runCodec(parquetDecode(), chunked(file, 100))).items).toEqual(rows);
  });

  it('projects columns and skips row groups on their statistics', async () => {
    const file = await encode(rows, { rowGroupSize: 10 });
    const seen: RowGroupInfo[] = [];
    const got = await read(file, {
      columns: ['id', 'name'],
      rowGroupFilter: (g) => {
        seen.push(g);
        return (g.columns.id!.max as number) >= 15;
      },
    });
    expect(got).toEqual(rows.slice(10).map(({ id, name }) => ({ id, name })));
    expect(seen.map((g) => [g.index, g.firstRow, g.numRows, g.columns.id])).toEqual([
      [0, 0, 10, { min: -0, max: 9, nullCount: 0 }], // Parquet writers store a DOUBLE min of zero as -0.0
      [1, 10, 10, { min: 10, max: 19, nullCount: 0 }],
      [2, 20, 5, { min: 20, max: 24, nullCount: 0 }],
    ]);
    expect(seen[0]!.columns.name!.nullCount).toBe(2);
    const decoded = await runCodec(parquetDecode({ columns: ['v'], rowGroupFilter: (g) => g.index === 2 }), [file]);
    expect(decoded.items).toEqual(rows.slice(20).map(({ v }) => ({ v })));
  });

  it('is replayable: position() and seek() resume inside a row group', async () => {
    const file = await encode(rows, { rowGroupSize: 10 });
    const producer = parquetSource(file);
    const ctx = { component: { id: 'p', type: 'parquetSource' }, fail: () => ({ action: 'stop' }) } as never;
    const reader = producer.open(ctx);
    const got: unknown[] = [];
    await reader.pull((x) => got.push(x), 13);
    expect(reader.position!()).toEqual({ rowGroup: 1, row: 3 });
    const again = producer.open(ctx);
    await again.seek!({ rowGroup: 1, row: 3 });
    const rest: unknown[] = [];
    while (await again.pull((x) => rest.push(x), 4));
    expect([...got, ...rest]).toEqual(rows);
    expect(() => again.seek!({ rowGroup: 'x' } as never)).toThrow(InvalidArgumentError);
  });

  it('declared columns and types, an empty file, and a barrier ending a row group', async () => {
    const empty = await encode([], { columns: [{ name: 'a', type: 'INT32' }, 'b'] });
    expect(await read(empty)).toEqual([]);
    const typed = await encode([{ a: 1, b: 'x', c: 'dropped' }], { columns: [{ name: 'a', type: 'DOUBLE' }, { name: 'b', nullable: false }] });
    expect(await read(typed)).toEqual([{ a: 1, b: 'x' }]);
    const { result } = await pipeline()
      .from(fromArray([rows[0]!, checkpointBarrier(1, 0) as never, rows[1]!]))
      .pipe(parquetEncode({ rowGroupSize: 100 }))
      .to(collect<Uint8Array>())
      .run();
    const groups: number[] = [];
    await read(concat(result), { rowGroupFilter: (g) => groups.push(g.numRows) > 0 });
    expect(groups).toEqual([1, 1]);
  });

  it('reports rows that do not fit the schema and goes on', async () => {
    const r = await runCodec(parquetEncode<unknown>({ source: 'out.parquet', columns: [{ name: 'id', type: 'INT32' }, 's'] }), [{ id: 1, s: 'a' }, { id: 'x', s: 'b' }, 5, { id: 2.5, s: 'c' }, { id: 3, s: 4 }, { id: 4, s: 'd' }], onError.deadLetter());
    expect(await read(concat(r.items))).toEqual([
      { id: 1, s: 'a' },
      { id: 4, s: 'd' },
    ]);
    expect(r.dead.map((d) => [(d.error as ParquetFormatError).recordIndex, d.error.message.replace(/.*\): /, '')])).toEqual([
      [2, 'a Parquet row must be an object, got number'],
      [1, 'column "id": "x" does not fit INT32'],
      [3, 'column "id": 2.5 does not fit INT32'],
      [4, 'column "s": 4 does not fit BYTE_ARRAY (UTF8)'],
    ]);
  });

  it('raises ParquetFormatError for truncated, corrupt and non-Parquet input', async () => {
    const file = await encode(rows, { rowGroupSize: 10 });
    const truncated = (await runCodecError(parquetDecode({ source: 's3://b/k.parquet' }), chunked(file.slice(0, file.length - 5), 64))) as ParquetFormatError;
    expect(truncated).toBeInstanceOf(ParquetFormatError);
    expect([truncated.format, truncated.source, truncated.byteOffset, truncated.recordIndex]).toEqual(['parquet', 's3://b/k.parquet', file.length - 13, 0]);
    expect(truncated.message.replace(/^\[[^\]]*\] /, '')).toBe(`parquet (source "s3://b/k.parquet", byte ${file.length - 13}, record #0): cannot read the Parquet footer (truncated or not Parquet): parquet file invalid (footer != PAR1)`);
    await expect(read(new TextEncoder().encode('not parquet at all'), { source: 'x' })).rejects.toThrow('cannot read the Parquet footer');
    // Corrupt the data pages of row group 1 only: it is reported, the others are read.
    const corrupt = file.slice();
    const second = 4 + (file.length - 4) / 3;
    for (let i = Math.floor(second); i < second + 60; i++) corrupt[i] = 0x5a;
    const r = await runCodec(parquetDecode(), [corrupt], onError.deadLetter());
    for (const d of r.dead) {
      expect(d.error).toBeInstanceOf(ParquetFormatError);
      expect(d.error.message).toMatch(/cannot decode row group \d/);
    }
    expect(r.items.length + r.dead.length * 10).toBeGreaterThanOrEqual(15);
  });

  it('checks page headers before decoding: a header missing a required field is an error, not a hang', async () => {
    // hyparquet computes NaN offsets from a data page v2 header without its encoding and level lengths and
    // then reads byte 0 forever; the header walk turns it into a ParquetFormatError for that row group.
    const file = await encode(rows, { rowGroupSize: 10 });
    const bad = file.slice();
    let pos = bad.indexOf(0x5c, 4) + 1; // the data_page_header_v2 struct (field 8) of the first page
    for (let k = 0; k < 3; k++) {
      expect(bad[pos]).toBe(0x15); // i32 fields 1-3: one header byte and a one-byte varint each
      pos += 2;
    }
    bad[pos] = 0x25; // field 4 (encoding) now reads as field 5: encoding is missing
    const r = await runCodec(parquetDecode({ source: 'p.parquet' }), [bad], onError.deadLetter());
    expect(r.items).toEqual(rows.slice(10));
    expect(r.dead.map((d) => d.error.message.replace(/^\[[^\]]*\] /, ''))).toEqual([
      'parquet (source "p.parquet", byte 4, record #0): cannot decode row group 0: column "id": corrupt page header at byte 4: data page v2 header field 4 missing or negative',
    ]);
    const viaSource = await pipeline().from(parquetSource(bad)).to(collect()).run({ errors: onError.skip() });
    expect(viaSource.result).toEqual(rows.slice(10));
  });

  it('reports non-byte chunks, too many bytes, and handles empty input', async () => {
    expect((await runCodec(parquetDecode(), [])).items).toEqual([]);
    const e = (await runCodecError(parquetDecode({ maxBytes: 10, source: 'm.parquet' }), [new Uint8Array(20)])) as ParquetFormatError;
    expect(e.message).toBe('[parquetDecode "parquetDecode", item #0] parquet (source "m.parquet", byte 20, record #0): more than maxBytes (10) of Parquet data buffered');
    const r = await runCodec(parquetDecode(), ['x' as unknown as Uint8Array, await encode([{ a: 1 }])], onError.skip());
    expect(r.items).toEqual([{ a: 1 }]);
  });

  it('rejects bad options', () => {
    expect(() => parquetEncode({ rowGroupSize: 0 })).toThrow('`rowGroupSize`');
    expect(() => parquetEncode({ compression: 'lzo' as never })).toThrow('`compression` must be one of');
    expect(() => parquetEncode({ compression: 'zstd' })).toThrow('use `await zstdCompressors()`');
    expect(() => parquetEncode({ columns: [{}] as never })).toThrow('`columns`');
    expect(() => parquetSource(42 as never)).toThrow(InvalidArgumentError);
    expect(() => parquetSource(new Uint8Array(0), { columns: 'a' as never })).toThrow('`columns`');
    expect(() => parquetDecode({ rowGroupFilter: 1 as never })).toThrow('`rowGroupFilter`');
    expect(() => parquetDecode({ maxBytes: -1 })).toThrow('`maxBytes`');
  });
});

describe('parquet types and failures', () => {
  it('infers and checks every column type', async () => {
    const when = new Date('2024-05-06T07:08:09.000Z');
    const input = [
      { b: true, big: 2n ** 40n, d: when, bytes: Uint8Array.of(1, 2), j: { k: [1] }, none: null, s: 'x' },
      { b: false, big: 3n, d: null, bytes: null, j: null, none: null, s: null },
    ];
    const file = await encode(input);
    const back = await read(new Uint8Array(file)); // a Uint8Array that owns its whole buffer
    expect(back).toEqual([
      { b: true, big: 2n ** 40n, d: when, bytes: Uint8Array.of(1, 2), j: { k: [1] }, none: null, s: 'x' },
      { b: false, big: 3n, d: null, bytes: null, j: null, none: null, s: null },
    ]);
    const r = await runCodec(
      parquetEncode<unknown>({ columns: ['b', 'big', 'd', { name: 'n', type: 'INT64' }, { name: 'req', nullable: false, type: 'STRING' }] }),
      [
        { b: true, big: 1n, d: when, n: 5, req: 'a' },
        { b: 'yes', big: 1n, d: when, n: 5, req: 'a' },
        { b: true, big: 1.5, d: when, n: 5, req: 'a' },
        { b: true, big: 1n, d: 'today', n: 5, req: 'a' },
        { b: true, big: 1n, d: when, n: 5, req: null },
      ],
      onError.deadLetter(),
    );
    expect(r.dead.map((d) => d.error.message.replace(/.*\): /, ''))).toEqual([
      'column "b": "yes" does not fit BOOLEAN',
      'column "big": 1.5 does not fit INT64',
      'column "d": "today" does not fit INT64 (TIMESTAMP_MILLIS)',
      'column "req": null in a required column',
    ]);
    expect(await read(concat(r.items))).toEqual([{ b: true, big: 1n, d: when, n: 5n, req: 'a' }]);
  });

  it('parquetSource skips a row group it cannot decode under Skip, and stops under Stop', async () => {
    const file = await encode(rows, { rowGroupSize: 10 });
    const corrupt = file.slice();
    // Overwrite the first page header of row group 1's first column.
    const offset = Number(parquetMetadata(file.slice().buffer).row_groups[1]!.columns[0]!.meta_data!.data_page_offset);
    for (let i = offset; i < offset + 12; i++) corrupt[i] = 0xff;
    const skipped = await pipeline().from(parquetSource(corrupt, { source: 'c.parquet' })).to(collect()).run({ errors: onError.skip() });
    expect(skipped.result).toEqual([...rows.slice(0, 10), ...rows.slice(20)]);
    expect(skipped.stats.parquetSource!.skipped).toBe(1);
    await expect(pipeline().from(parquetSource(corrupt, { source: 'c.parquet' })).to(collect()).run()).rejects.toThrow(/cannot decode row group/);
  });
});

describe('parquetSource rowGroups output', () => {
  it('emits one array per row group, resuming inside a group after seek', async () => {
    const file = await encode(rows, { rowGroupSize: 10 });
    const groups = (await pipeline().from(parquetSource(file, { output: 'rowGroups', columns: ['id'] })).to(collect()).run()).result;
    expect(groups.map((g) => g.length)).toEqual([10, 10, 5]);
    expect(groups.flat()).toEqual(rows.map(({ id }) => ({ id })));
    const reader = parquetSource(file, { output: 'rowGroups' }).open({ component: { id: 'p', type: 'parquetSource' } } as never);
    await reader.seek!({ rowGroup: 1, row: 4 });
    const got: unknown[][] = [];
    while (await reader.pull((g) => got.push(g as unknown[]), 1));
    expect(got.map((g) => g.length)).toEqual([6, 5]);
    expect(() => parquetSource(file, { output: 'columns' as never })).toThrow("`output` must be 'rows' or 'rowGroups'");
  });
});

describe('parquetDecode and EndOfStream', () => {
  it('emits the rows before EndOfStream passes', async () => {
    const { endOfStream, isEndOfStream } = await import('@streamweave/core');
    const file = await encode(rows.slice(0, 3));
    const seen: string[] = [];
    const { Observable } = await import('rxjs');
    const t = parquetDecode();
    const input = new Observable<unknown>((s) => {
      s.next(file);
      s.next(endOfStream);
      s.complete();
    });
    const ctx = {
      component: { id: 'd', type: 'parquetDecode' },
      stats: { in: 0, out: 0, errors: 0, skipped: 0 },
      fail: () => ({ action: 'stop' }),
    } as never;
    await new Promise<void>((resolve, reject) =>
      t.apply(input as never, ctx).subscribe({ next: (x) => seen.push(isEndOfStream(x) ? 'EOS' : 'row'), complete: resolve, error: reject }),
    );
    expect(seen).toEqual(['row', 'row', 'row', 'EOS']);
  });
});
