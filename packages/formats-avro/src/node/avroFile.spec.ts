import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointBarrier, collect, type DeadLetter, forEach, fromArray, InvalidArgumentError, onError, pipeline, type JsonValue, type RunHandle } from '@streamweave/core';
import { AvroError, avroDecode, avroEncode, type AvroBadBlock } from '@streamweave/formats-avro';
import { readAvroFile, writeAvroFile } from '@streamweave/formats-avro/node';
import { readCodecFile, writeCodecFile } from '@streamweave/formats/node';

const schema = { type: 'record', name: 'Row', fields: [{ name: 'i', type: 'int' }, { name: 's', type: 'string' }] };
const rows = Array.from({ length: 100 }, (_, i) => ({ i, s: `row-${i}` }));
const plain = (xs: unknown[]) => xs.map((x) => ({ ...(x as object) }));
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sw-avro-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeAvroFile / readAvroFile', () => {
  it.each(['null', 'deflate', 'snappy'] as const)('writes and reads 100 rows with %s in small chunks', async (codec) => {
    const path = join(dir, `rows-${codec}.avro`);
    const { result: written } = await pipeline().from(fromArray(rows)).to(writeAvroFile(path, { schema, codec, blockBytes: 100 })).run();
    expect(written.records).toBe(100);
    expect(written.bytes).toBe(readFileSync(path).length);
    const { result } = await pipeline().from(readAvroFile(path, { chunkBytes: 37 })).to(collect()).run();
    expect(plain(result)).toEqual(rows);
    // The same bytes through the transformer.
    const { result: viaTransformer } = await pipeline().from(fromArray([readFileSync(path)])).pipe(avroDecode()).to(collect()).run();
    expect(plain(viaTransformer)).toEqual(rows);
  });

  it('works with the generic readCodecFile / writeCodecFile, since avroDecode and avroEncode are defineCodec codecs', async () => {
    const path = join(dir, 'generic.avro');
    const { result: written } = await pipeline().from(fromArray(rows)).to(writeCodecFile(path, avroEncode({ schema, blockBytes: 200 }))).run();
    expect(written).toEqual({ records: 100, bytes: readFileSync(path).length });
    const { result } = await pipeline().from(readCodecFile(path, avroDecode(), { chunkBytes: 41 })).to(collect()).run();
    expect(plain(result)).toEqual(rows);
    // A bad record is the codec's own error, routed by the file sink's strategy.
    const bad = writeCodecFile(join(dir, 'generic-bad.avro'), avroEncode({ schema }));
    await expect(pipeline().from(fromArray([rows[0], { i: 'x', s: 1 }])).to(bad).run()).rejects.toThrow(AvroError);
  });

  it('writes a header-only file for an empty stream', async () => {
    const path = join(dir, 'empty.avro');
    const { result } = await pipeline().from(fromArray([])).to(writeAvroFile(path, { schema })).run();
    expect(result.records).toBe(0);
    const { result: back } = await pipeline().from(readAvroFile(path)).to(collect()).run();
    expect(back).toEqual([]);
  });

  it('restores from a checkpointed position and continues after the last emitted record', async () => {
    const path = join(dir, 'replay.avro');
    await pipeline().from(fromArray(rows)).to(writeAvroFile(path, { schema, blockBytes: 64 })).run();
    let pos: JsonValue | undefined;
    // Inject the barrier while the sink handles row #37 (inside a block), as a coordinator would mid-stream.
    const handle: RunHandle<number> = pipeline()
      .from(readAvroFile(path, { name: 'src', chunkBytes: 50 }))
      .to(forEach((_r, i) => void (i === 37 && handle.injectBarrier(checkpointBarrier(1, 0)))))
      .start({ checkpoints: { onSourceBarrier: (_id, _b, p) => (pos = p) } });
    expect((await handle.result).result).toBe(100);
    const emittedBefore = (pos as { record: number; skip: number }).record;
    expect(emittedBefore).toBe(38);
    expect((pos as { skip: number }).skip).toBeGreaterThan(0);
    const { result: rest } = await pipeline()
      .from(readAvroFile(path, { name: 'src', chunkBytes: 50 }))
      .to(collect())
      .run({ restore: { positions: { src: pos! } } });
    expect(plain(rest)).toEqual(rows.slice(38));
  });

  it('seeks into the middle of a block', async () => {
    const path = join(dir, 'mid.avro');
    await pipeline().from(fromArray(rows)).to(writeAvroFile(path, { schema, blockBytes: 1000 })).run();
    // Find the first block offset by reading positions.
    const { result } = await pipeline()
      .from(readAvroFile(path, { name: 'src' }))
      .to(collect())
      .run({ restore: { positions: { src: { block: firstBlockOffset(path), skip: 7, record: 7 } } } });
    expect(plain(result)).toEqual(rows.slice(7));
    await expect(pipeline().from(readAvroFile(path, { name: 'src' })).to(collect()).run({ restore: { positions: { src: 'x' } } })).rejects.toThrow(/cannot seek/);
    const junk = join(dir, 'junk.avro');
    writeFileSync(junk, 'junk');
    await expect(
      pipeline().from(readAvroFile(junk, { name: 'src', errors: onError.skip() })).to(collect()).run({ restore: { positions: { src: { block: 10, skip: 0, record: 0 } } } }),
    ).rejects.toThrow(/header is unreadable/);
  });

  it('routes a corrupt block to the dead-letter consumer and reads the rest', async () => {
    const path = join(dir, 'corrupt.avro');
    await pipeline().from(fromArray(rows.slice(0, 20))).to(writeAvroFile(path, { schema, codec: 'deflate', blockBytes: 50 })).run();
    const bytes = readFileSync(path);
    const start = firstBlockOffset(path);
    for (let k = start + 3; k < start + 8; k++) bytes[k] = 0xee;
    writeFileSync(path, bytes);
    const { result, deadLetter, stats } = await pipeline()
      .from(readAvroFile(path, { name: 'src', errors: onError.deadLetter() }))
      .to(collect())
      .run({ deadLetter: collect<DeadLetter>() });
    const letters = deadLetter as DeadLetter<AvroBadBlock>[];
    expect(letters).toHaveLength(1);
    const lost = letters[0]!.item.lostRecords!;
    expect(plain(result)).toEqual(rows.slice(lost, 20));
    expect((letters[0]!.error as AvroError).source).toBe(path);
    expect((letters[0]!.error as AvroError).byteOffset).toBe(start);
    expect(stats['src']!.skipped).toBe(1);
  });

  it('fails a truncated file with the path, offset and record index', async () => {
    const path = join(dir, 'trunc.avro');
    await pipeline().from(fromArray(rows.slice(0, 10))).to(writeAvroFile(path, { schema, blockBytes: 40 })).run();
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 3));
    const err = (await pipeline().from(readAvroFile(path)).to(collect()).run().catch((e: unknown) => e)) as AvroError;
    expect(err).toBeInstanceOf(AvroError);
    expect(err.source).toBe(path);
    expect(err.message).toContain('truncated');
    expect(err.recordIndex).toBeGreaterThan(0);
  });

  it('keeps failing after a stop, so a retrying source strategy cannot end the run quietly', async () => {
    const path = join(dir, 'trunc-retry.avro');
    await pipeline().from(fromArray(rows.slice(0, 10))).to(writeAvroFile(path, { schema, blockBytes: 40 })).run();
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 3));
    const err = await pipeline()
      .from(readAvroFile(path, { errors: onError.retry({ maxAttempts: 3, initialDelayMs: 1, jitter: 0 }) }))
      .to(collect())
      .run()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AvroError);
    expect((err as AvroError).message).toContain('truncated');
  });

  it('routes bad records when writing and rejects bad arguments', async () => {
    const path = join(dir, 'bad.avro');
    const { result, stats } = await pipeline()
      .from(fromArray([rows[0], { i: 'no' }, rows[1]]))
      .to(writeAvroFile(path, { name: 'sink', schema, errors: onError.skip() }))
      .run();
    expect(result.records).toBe(2);
    expect(stats['sink']!.skipped).toBe(1);
    expect(() => readAvroFile('')).toThrow(InvalidArgumentError);
    expect(() => readAvroFile('x', { chunkBytes: 0 })).toThrow(/chunkBytes/);
    expect(() => writeAvroFile('', { schema })).toThrow(InvalidArgumentError);
    expect(() => writeAvroFile('x', {} as never)).toThrow(/schema/);
    expect(() => writeAvroFile('x', { schema, codec: 'lz4' as never })).toThrow(/codec/);
    expect(() => writeAvroFile('x', { schema, syncMarker: new Uint8Array(2) })).toThrow(/syncMarker/);
  });

  it('writes the open block when a barrier passes', async () => {
    const path = join(dir, 'barrier.avro');
    const sizes: number[] = [];
    const handle = pipeline()
      .from(fromArray(rows.slice(0, 5)))
      .to(writeAvroFile(path, { schema }))
      .start({ checkpoints: { onSinkBarrier: () => sizes.push(1) } });
    handle.injectBarrier(checkpointBarrier(1, 0));
    const { result } = await handle.result;
    expect(result.records).toBe(5);
    const { result: back } = await pipeline().from(readAvroFile(path)).to(collect()).run();
    expect(plain(back)).toEqual(rows.slice(0, 5));
  });
});

/** Offset just after the header: the 16 bytes of sync marker that end the header appear again after each block. */
function firstBlockOffset(path: string): number {
  const b = readFileSync(path);
  // The header ends with the sync marker; the first block's marker is the same 16 bytes. Find the second-to-last
  // occurrence pattern: search the marker from the end of the file, then its first occurrence.
  const marker = b.subarray(b.length - 16);
  return b.indexOf(marker) + 16;
}
