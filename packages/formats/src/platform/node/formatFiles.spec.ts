import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, type DeadLetter, fromArray, InvalidArgumentError, map, onError, pipeline, type Producer } from '@streamweave/core';
import { CsvError, csvDecode, JsonFormatError, ndjsonDecode, ndjsonEncode } from '@streamweave/formats';
import {
  readCodecFile,
  readCsvFile,
  readJsonFile,
  readMsgpackFile,
  readNdjsonFile,
  writeCodecFile,
  writeCsvFile,
  writeMsgpackFile,
  writeNdjsonFile,
} from '@streamweave/formats/node';

describe('format file sources and sinks', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'formats-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const read = async <T>(source: Producer<T>) => (await pipeline().from(source).to(collect<T>()).run()).result;

  it('writes and reads NDJSON, with the records and bytes written', async () => {
    const file = join(dir, 'events.ndjson');
    const events = [{ id: 1, s: 'é' }, { id: 2 }, null];
    const written = await pipeline().from(fromArray(events)).to(writeNdjsonFile(file)).run();
    expect(written.result).toEqual({ records: 3, bytes: 32 });
    expect(readFileSync(file, 'utf8')).toBe('{"id":1,"s":"é"}\n{"id":2}\nnull\n');
    expect(await read(readNdjsonFile(file, { chunkBytes: 5 }))).toEqual(events);
    await pipeline().from(fromArray([3])).to(writeNdjsonFile(file, { append: true })).run();
    expect(await read(readNdjsonFile(file))).toEqual([...events, 3]);
  });

  it('writes and reads CSV and MessagePack', async () => {
    const csv = join(dir, 'people.csv');
    const people = [
      { name: 'Smith, J', age: 41 },
      { name: 'Åsa "A"', age: 7 },
    ];
    expect((await pipeline().from(fromArray(people)).to(writeCsvFile(csv)).run()).result.records).toBe(2);
    expect(readFileSync(csv, 'utf8')).toBe('name,age\r\n"Smith, J",41\r\n"Åsa ""A""",7\r\n');
    expect(await read(readCsvFile(csv, { columns: { age: 'integer' }, chunkBytes: 3 }))).toEqual(people);
    const mp = join(dir, 'values.msgpack');
    await pipeline().from(fromArray([1, 'two', { three: [3] }])).to(writeMsgpackFile(mp)).run();
    expect(await read(readMsgpackFile(mp, { chunkBytes: 2 }))).toEqual([1, 'two', { three: [3] }]);
  });

  it('streams a JSON path of a file chunk by chunk', async () => {
    const file = join(dir, 'dump.json');
    writeFileSync(file, JSON.stringify({ meta: { n: 3 }, data: { items: [{ id: 1 }, { id: 2 }, { id: 3 }] } }));
    expect(await read(readJsonFile(file, { path: '$.data.items[*]', chunkBytes: 7 }))).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('names the file as the source of decode errors, routed by the strategy', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'a,b\n1,2\n3\n"x"y,4\n5,6\n');
    const r = await pipeline()
      .from(readCsvFile(file, { chunkBytes: 4 }))
      .to(collect())
      .run({ errors: onError.deadLetter(), deadLetter: collect<DeadLetter>() });
    expect(r.result).toEqual([
      { a: '1', b: '2' },
      { a: '5', b: '6' },
    ]);
    expect((r.deadLetter as DeadLetter[]).map((d) => d.error.message.replace(/^\[[^\]]*\] /, ''))).toEqual([
      `csv (source "${file}", line 3, byte 8, record #1): expected 2 fields, got 1`,
      `csv (source "${file}", line 4, byte 10, record #2): unexpected "y" after a closing quote`,
    ]);
    expect((r.deadLetter as DeadLetter[])[0]!.error).toBeInstanceOf(CsvError);
    const stopped = await pipeline()
      .from(readNdjsonFile(file, { source: 'given-name' }))
      .to(collect())
      .run()
      .catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(JsonFormatError);
    expect((stopped as JsonFormatError).source).toBe('given-name');
    await expect(read(readNdjsonFile(join(dir, 'missing.ndjson')))).rejects.toThrow('ENOENT');
  });

  it('reads and writes through any codec with readCodecFile / writeCodecFile', async () => {
    const file = join(dir, 'x.ndjson');
    await pipeline().from(fromArray([{ a: 1 }])).to(writeCodecFile(file, ndjsonEncode())).run();
    const empty = join(dir, 'empty.ndjson');
    expect((await pipeline().from(fromArray<unknown>([])).to(writeCodecFile(empty, ndjsonEncode())).run()).result).toEqual({ records: 0, bytes: 0 });
    expect(readFileSync(empty, 'utf8')).toBe('');
    expect(await read(readCodecFile(file, ndjsonDecode()))).toEqual([{ a: 1 }]);
    expect(await read(readCodecFile(file, csvDecode({ header: false, source: 'other' })))).toEqual([['{"a":1}']]);
  });

  it('fails the run when the encoder rejects a record under Stop', async () => {
    const file = join(dir, 'bad.ndjson');
    const e = await pipeline()
      .from(fromArray([1, 2n, 3]))
      .to(writeNdjsonFile(file))
      .run()
      .catch((err: unknown) => err);
    expect(String((e as Error).message)).toContain(`json (source "${file}", record #1)`);
    const skipped = await pipeline().from(fromArray([1, 2n, 3])).pipe(map((x) => x)).to(writeNdjsonFile(file)).run({ errors: onError.skip() });
    expect(skipped.result).toEqual({ records: 3, bytes: 4 });
    expect(readFileSync(file, 'utf8')).toBe('1\n3\n');
  });

  it('rejects bad arguments', () => {
    expect(() => readCodecFile('', ndjsonDecode())).toThrow('readCodecFile: `path` must be a non-empty string');
    expect(() => readCodecFile('x', map((x: Uint8Array) => x) as never)).toThrow(InvalidArgumentError);
    expect(() => writeCodecFile('x', {} as never)).toThrow('writeCodecFile: the encoder must be a codec transformer built with defineCodec');
    expect(() => readNdjsonFile('x', { chunkBytes: 0 })).toThrow('readNdjsonFile: `chunkBytes` must be a positive integer, got 0');
  });
});
