import { collect, type DeadLetter, fromArray, onError, pipeline, checkpointBarrier, isCheckpointBarrier, InvalidArgumentError } from '@streamweave/core';
import { AvroError, avroDecode, avroEncode, type AvroBadBlock, type AvroHeader } from '@streamweave/formats-avro';
import { FormatError } from '@streamweave/formats';
import { from, type Observable } from 'rxjs';

const userV1 = {
  type: 'record',
  name: 'User',
  namespace: 'test',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
  ],
};
const userV2 = {
  type: 'record',
  name: 'User',
  namespace: 'test',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'fullName', type: 'string', aliases: ['name'] },
    { name: 'email', type: ['null', 'string'], default: null },
  ],
};
const sync = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const users = Array.from({ length: 50 }, (_, i) => ({ id: i, name: `user-${i}` }));

async function encode(records: unknown[], options: Partial<Parameters<typeof avroEncode>[0]> = {}): Promise<Uint8Array> {
  const { result } = await pipeline()
    .from(fromArray(records))
    .pipe(avroEncode({ schema: userV1, syncMarker: sync, blockBytes: 100, ...options }))
    .to(collect())
    .run();
  return Buffer.concat(result);
}

function chunk(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

async function decode(chunks: Uint8Array[], options: Parameters<typeof avroDecode>[0] = {}, run: Parameters<ReturnType<ReturnType<ReturnType<typeof pipeline>['from']>['to']>['run']>[0] = {}) {
  return pipeline().from(fromArray(chunks)).pipe(avroDecode({ name: 'dec', ...options })).to(collect()).run(run);
}

/** Runs a transformer over raw elements (data and signals) and returns everything it emits, signals included. */
function applyRaw(t: { apply: (input: never, ctx: never) => Observable<unknown> }, elements: unknown[]): Promise<unknown[]> {
  const out: unknown[] = [];
  const stats = { in: 0, out: 0, errors: 0, skipped: 0 };
  const ctx = { id: 't', component: { id: 't', type: 't' }, stats, fail: (cause: unknown) => ({ action: 'stop', error: cause }) };
  return new Promise((resolve, reject) => {
    t.apply(from(elements) as never, ctx as never).subscribe({ next: (x) => out.push(x), error: reject, complete: () => resolve(out) });
  });
}

const plain = (xs: unknown[]) => xs.map((x) => ({ ...(x as object) }));

describe('avroEncode / avroDecode (object container files)', () => {
  it.each(['null', 'deflate', 'snappy'] as const)('round-trips 50 records with the %s codec across 1-byte and 7-byte chunk boundaries', async (codec) => {
    const file = await encode(users, { codec });
    for (const size of [1, 7, file.length]) {
      const { result } = await decode(chunk(file, size));
      expect(plain(result)).toEqual(users);
    }
  });

  it('writes one block per blockBytes and reports the header', async () => {
    const { result: parts } = await pipeline()
      .from(fromArray(users))
      .pipe(avroEncode({ schema: userV1, syncMarker: sync, blockBytes: 200, metadata: { app: 'sw' } }))
      .to(collect())
      .run();
    // header + ceil(50 records of ~11 bytes / 200) blocks
    expect(parts.length).toBeGreaterThan(3);
    let header: AvroHeader | undefined;
    await decode([Buffer.concat(parts)], { onHeader: (h) => (header = h) });
    expect(header!.codec).toBe('null');
    expect(header!.schema).toEqual({ ...userV1, namespace: undefined, name: 'test.User' });
    expect(new TextDecoder().decode(header!.metadata['app'])).toBe('sw');
  });

  it('writes a header-only file for an empty stream and reads it as no records', async () => {
    const file = await encode([]);
    expect(Array.from(file.subarray(0, 4))).toEqual([0x4f, 0x62, 0x6a, 1]);
    const { result } = await decode([file]);
    expect(result).toEqual([]);
  });

  it('closes the open block before a checkpoint barrier passes, so the prefix is a readable file', async () => {
    const barrier = checkpointBarrier(1, 0);
    const out = await applyRaw(avroEncode({ schema: userV1, syncMarker: sync }), [users[0], users[1], barrier, users[2]]);
    const at = out.findIndex(isCheckpointBarrier);
    expect(at).toBe(2); // header, one block, then the barrier
    const { result: early } = await decode(out.slice(0, at) as Uint8Array[]);
    expect(plain(early)).toEqual([users[0], users[1]]);
    const { result: all } = await decode(out.filter((x) => !isCheckpointBarrier(x)) as Uint8Array[]);
    expect(plain(all)).toEqual(users.slice(0, 3));
  });

  it('reads old data with a newer reader schema (renamed field via alias, added field with default)', async () => {
    const file = await encode(users.slice(0, 3), { codec: 'deflate' });
    const { result } = await decode([file], { readerSchema: userV2 });
    expect(plain(result)).toEqual([
      { id: 0, fullName: 'user-0', email: null },
      { id: 1, fullName: 'user-1', email: null },
      { id: 2, fullName: 'user-2', email: null },
    ]);
  });

  it('fails with a typed error when the reader schema cannot read the writer schema', async () => {
    const file = await encode(users.slice(0, 3));
    const reader = { type: 'record', name: 'User', namespace: 'test', fields: [{ name: 'missing', type: 'int' }] };
    const err = await decode([file], { readerSchema: reader, source: 'users.avro' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AvroError);
    expect(err).toBeInstanceOf(FormatError);
    const e = err as AvroError;
    expect(e.format).toBe('avro');
    expect(e.source).toBe('users.avro');
    expect(e.byteOffset).toBe(0);
    expect(e.recordIndex).toBe(0);
    expect(e.component).toEqual({ id: 'dec', type: 'avroDecode' });
    expect(e.message).toContain('reader schema cannot read');
  });

  it('rejects bad arguments when the pipeline is built', () => {
    expect(() => avroEncode({ schema: { type: 'nope' } })).toThrow(InvalidArgumentError);
    expect(() => avroEncode({ schema: userV1, codec: 'zstd' as never })).toThrow(/unsupported codec/);
    expect(() => avroEncode({ schema: userV1, blockBytes: 0 })).toThrow(/blockBytes/);
    expect(() => avroEncode({ schema: userV1, syncMarker: new Uint8Array(3) })).toThrow(/syncMarker/);
    expect(() => avroEncode(null as never)).toThrow(/schema/);
    expect(() => avroDecode({ readerSchema: { type: 'record' } })).toThrow(InvalidArgumentError);
    expect(avroEncode({ schema: JSON.stringify(userV1) }).descriptor.params['codec']).toBe('null');
    expect(avroEncode({ schema: '"string"' }).descriptor.type).toBe('avroEncode');
    expect(avroEncode({ schema: 'string' }).descriptor.type).toBe('avroEncode');
  });
});

describe('avroEncode errors', () => {
  it('routes a record that does not match the schema per strategy and writes the rest', async () => {
    const records = [users[0], { id: 'x', name: 1 }, users[2]];
    const { result, deadLetter, stats } = await pipeline()
      .from(fromArray(records))
      .pipe(avroEncode({ name: 'enc', schema: userV1, syncMarker: sync, source: 'out.avro', errors: onError.deadLetter() }))
      .to(collect())
      .run({ deadLetter: collect<DeadLetter>() });
    const letters = deadLetter as DeadLetter[];
    expect(letters).toHaveLength(1);
    expect(letters[0]!.item).toEqual({ id: 'x', name: 1 });
    const e = letters[0]!.error as AvroError;
    expect(e).toBeInstanceOf(AvroError);
    expect(e.recordIndex).toBe(1);
    expect(e.source).toBe('out.avro');
    expect(stats['enc']!.skipped).toBe(1);
    const { result: back } = await decode([Buffer.concat(result)]);
    expect(plain(back)).toEqual([users[0], users[2]]);
  });

  it('stops the run on a bad record by default', async () => {
    const err = await pipeline()
      .from(fromArray([{ id: 1 }]))
      .pipe(avroEncode({ schema: userV1 }))
      .to(collect())
      .run()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AvroError);
    expect((err as AvroError).recordIndex).toBe(0);
  });
});

describe('avroDecode bad input', () => {
  let file: Uint8Array;
  let blockStarts: number[];
  beforeAll(async () => {
    const { result } = await pipeline()
      .from(fromArray(users.slice(0, 9)))
      .pipe(avroEncode({ schema: userV1, syncMarker: sync, blockBytes: 24 }))
      .to(collect())
      .run();
    file = Buffer.concat(result);
    blockStarts = [];
    let o = 0;
    for (const p of result) {
      blockStarts.push(o);
      o += p.length;
    }
    blockStarts.shift(); // header
  });

  it('file has three blocks of three records', () => {
    expect(blockStarts).toHaveLength(3);
  });

  it('reports a truncated file with the offset of the incomplete block and the record index', async () => {
    const cut = file.subarray(0, file.length - 5);
    const err = (await decode(chunk(cut, 10), { source: 'f.avro' }).catch((e: unknown) => e)) as AvroError;
    expect(err).toBeInstanceOf(AvroError);
    expect(err.byteOffset).toBe(blockStarts[2]);
    expect(err.recordIndex).toBe(6);
    expect(err.message).toContain('truncated');
    expect(err.message).toContain('source "f.avro"');
  });

  it('reports a truncated header', async () => {
    const err = (await decode([file.subarray(0, 20)]).catch((e: unknown) => e)) as AvroError;
    expect(err.message).toContain('header is incomplete');
    expect(err.byteOffset).toBe(0);
    const empty = (await decode([]).catch((e: unknown) => e)) as AvroError;
    expect(empty).toBeInstanceOf(AvroError);
  });

  it('skips a block with a bad sync marker and resynchronises on the next one (skip counted)', async () => {
    const bad = Uint8Array.from(file);
    bad[blockStarts[1]! - 3] = bad[blockStarts[1]! - 3]! ^ 0xff; // inside the sync marker after block 0
    const { result, stats } = await decode(chunk(bad, 13), {}, { errors: onError.skip() });
    // Block 0's trailing marker is broken, so block 1 has no marker before it either: like Avro's
    // DataFileReader.sync(), the reader skips to the next intact marker (after block 1).
    expect(plain(result)).toEqual(users.slice(6, 9));
    expect(stats['dec']!.skipped).toBe(1);
    expect(stats['dec']!.errors).toBe(1);
  });

  it('routes a block with corrupt deflate data to the dead-letter consumer and goes on', async () => {
    const { result: parts } = await pipeline()
      .from(fromArray(users.slice(0, 9)))
      .pipe(avroEncode({ schema: userV1, syncMarker: sync, blockBytes: 24, codec: 'deflate' }))
      .to(collect())
      .run();
    const starts: number[] = [];
    let o = 0;
    for (const p of parts) {
      starts.push(o);
      o += p.length;
    }
    const bad = Buffer.concat(parts);
    // Corrupt the compressed body of the second block (skip its two varint bytes).
    for (let i = starts[2]! + 2; i < starts[2]! + 6; i++) bad[i] = 0xff;
    const { result, deadLetter } = await decode(chunk(bad, 5), { source: 'd.avro' }, { errors: onError.deadLetter(), deadLetter: collect<DeadLetter>() });
    expect(plain(result)).toEqual([...users.slice(0, 3), ...users.slice(6, 9)]);
    const letters = deadLetter as DeadLetter<AvroBadBlock>[];
    expect(letters).toHaveLength(1);
    expect(letters[0]!.item.byteOffset).toBe(starts[2]);
    expect(letters[0]!.item.firstRecordIndex).toBe(3);
    expect(letters[0]!.item.lostRecords).toBe(3);
    const e = letters[0]!.error as AvroError;
    expect(e.byteOffset).toBe(starts[2]);
    expect(e.recordIndex).toBe(3);
    expect(e.message).toContain('corrupt deflate block data (3 records lost)');
  });

  it('reports a corrupt snappy CRC', async () => {
    const { result: parts } = await pipeline()
      .from(fromArray(users.slice(0, 3)))
      .pipe(avroEncode({ schema: userV1, syncMarker: sync, codec: 'snappy' }))
      .to(collect())
      .run();
    const bad = Buffer.concat(parts);
    bad[bad.length - 17] = bad[bad.length - 17]! ^ 1; // last CRC byte
    const err = (await decode([bad]).catch((e: unknown) => e)) as AvroError;
    expect(err.message).toContain('corrupt snappy block data');
    expect((err.cause as Error).message).toContain('CRC');
  });

  it('reports records that do not decode with the writer schema and counts the records lost', async () => {
    const bad = Uint8Array.from(file);
    // Block 1's first record: id varint then name length; make the length huge.
    const body = blockStarts[1]! + 2;
    bad[body + 1] = 0x7e;
    const { result, deadLetter } = await decode([bad], {}, { errors: onError.deadLetter(), deadLetter: collect<DeadLetter>() });
    expect(plain(result)).toEqual([...users.slice(0, 3), ...users.slice(6, 9)]);
    const e = (deadLetter as DeadLetter[])[0]!.error as AvroError;
    expect(e.recordIndex).toBe(3);
    expect(e.message).toContain('3 records of the block lost');
  });

  it('reports bad magic bytes once and ignores the rest under skip', async () => {
    const { result, stats } = await decode([Buffer.from('not avro at all'), Buffer.from('more')], {}, { errors: onError.skip() });
    expect(result).toEqual([]);
    expect(stats['dec']!.skipped).toBe(1);
  });

  it('reports an unsupported codec and a corrupt header', async () => {
    const header = Buffer.from(file.subarray(0, blockStarts[0]));
    const i = header.indexOf('null');
    header.write('zstx', i);
    const err = (await decode([header]).catch((e: unknown) => e)) as AvroError;
    expect(err.message).toContain('unsupported codec "zstx"');
    const bad2 = Buffer.from(file);
    bad2[4] = 0xff; // metadata count varint never ends within 10 bytes? make it invalid
    for (let k = 5; k < 15; k++) bad2[k] = 0xff;
    const err2 = (await decode([bad2]).catch((e: unknown) => e)) as AvroError;
    expect(err2.message).toContain('corrupt header');
    const schemaAt = header.indexOf('{');
    const bad3 = Buffer.from(file);
    bad3[schemaAt] = 0x20;
    const err3 = (await decode([bad3]).catch((e: unknown) => e)) as AvroError;
    expect(err3.message).toContain('invalid writer schema');
  });

  it('reports a non-byte chunk with the byte offset and record index where it arrived', async () => {
    const err = (await decode(['text' as never]).catch((e: unknown) => e)) as AvroError;
    expect(err.message).toContain('expected Uint8Array chunks, got string');
    const file = await encode(users);
    const bad = (await decode([file.slice(0, 10), 'text' as never], { source: 'u.avro' }).catch((e: unknown) => e)) as AvroError;
    expect(bad.message.replace(/^\[[^\]]*\] /, '')).toBe('avro (source "u.avro", byte 10, record #0): expected Uint8Array chunks, got string');
  });

  it('rejects a block whose declared size exceeds maxBlockBytes and resyncs', async () => {
    const { result, stats } = await decode([file], { maxBlockBytes: 20 }, { errors: onError.skip() });
    // every block is larger than 20 bytes: each is reported once, nothing decodes
    expect(result).toEqual([]);
    expect(stats['dec']!.skipped).toBe(3);
  });

  it('forwards signals in order with the records', async () => {
    const barrier = checkpointBarrier(3, 0);
    const out = await applyRaw(avroDecode(), [file.subarray(0, blockStarts[1]), barrier, file.subarray(blockStarts[1]!)]);
    expect(out.findIndex(isCheckpointBarrier)).toBe(3);
    expect(out).toHaveLength(10);
  });
});
