import { onError } from '@streamweave/core';
import { MsgpackError, msgpackDecode, msgpackEncode } from '@streamweave/formats';
import { decodeMulti, encode } from '@msgpack/msgpack';
import { chunked, concat, runCodec, runCodecError } from '@streamweave/testing';

const records = [{ a: 1, s: 'é😀', nested: { list: [1, -2, 3.5, null, true] } }, [1, 'two'], 'x'.repeat(300), 2 ** 40, null, new Uint8Array([1, 2, 3])];

describe('msgpackDecode / msgpackEncode', () => {
  it('decodes concatenated values written by @msgpack/msgpack, whatever the chunking', async () => {
    const bytes = concat(records.map((r) => encode(r)));
    for (const size of [1, 2, 7, 100, 10_000]) {
      const r = await runCodec(msgpackDecode(), chunked(bytes, size));
      expect(r.items).toEqual(records);
    }
  });

  it('writes one chunk per record that @msgpack/msgpack decodes', async () => {
    const r = await runCodec(msgpackEncode(), records);
    expect(r.items).toHaveLength(records.length);
    expect([...decodeMulti(concat(r.items))]).toEqual(records);
  });

  it('decodes maps with non-string keys as Map when asked, and msgpackr undefined as null', async () => {
    const bytes = Uint8Array.of(0x81, 0x01, 0xa3, 0x6f, 0x6e, 0x65, 0xd4, 0x00, 0x00); // {1: 'one'}, msgpackr undefined
    expect((await runCodec(msgpackDecode({ mapsAsMaps: true }), [bytes])).items).toEqual([new Map([[1, 'one']]), null]);
  });

  it('reports a truncated value at end of input with its byte offset and index', async () => {
    const bytes = concat([encode({ a: 1 }), encode({ b: 'long string' }).slice(0, 5)]);
    const e = (await runCodecError(msgpackDecode({ source: 'topic-a' }), chunked(bytes, 3))) as MsgpackError;
    expect(e).toBeInstanceOf(MsgpackError);
    expect([e.format, e.source, e.byteOffset, e.recordIndex]).toEqual(['msgpack', 'topic-a', 4, 1]);
    expect(e.message).toContain('truncated MessagePack value at end of input');
  });

  it('reports corrupt data once and stops decoding that stream (counted under Skip)', async () => {
    const bytes = concat([encode(1), Uint8Array.of(0xc1), encode(2)]);
    const r = await runCodec(msgpackDecode(), [bytes, encode(3)], onError.skip());
    expect(r.items).toEqual([1]);
    expect(r.skipped).toBe(1);
    const e = (await runCodecError(msgpackDecode(), [bytes])) as MsgpackError;
    expect([e.byteOffset, e.recordIndex]).toEqual([1, 1]);
    expect(e.message).toContain('corrupt MessagePack data: byte 0xc1 is never used');
  });

  it('bounds the bytes buffered for one value', async () => {
    const big = encode('y'.repeat(100));
    const e = (await runCodecError(msgpackDecode({ maxValueBytes: 10 }), chunked(big, 20))) as MsgpackError;
    expect(e.message).toContain('value longer than maxValueBytes (10)');
    expect(() => msgpackDecode({ maxValueBytes: 1.5 })).toThrow('`maxValueBytes` must be a positive integer');
  });

  it('reports non-byte chunks and unencodable records', async () => {
    const r = await runCodec(msgpackDecode(), ['x' as unknown as Uint8Array, encode(7)], onError.deadLetter());
    expect(r.items).toEqual([7]);
    expect(r.dead[0]!.error.message).toContain('expected a Uint8Array chunk, got string');
    const enc = await runCodec(msgpackEncode(), [1, Symbol('s'), 2n ** 70n, 3], onError.deadLetter());
    expect([...decodeMulti(concat(enc.items))]).toEqual([1, 3]);
    expect(enc.dead.map((d) => (d.error as MsgpackError).recordIndex)).toEqual([1, 2]);
  });
});
