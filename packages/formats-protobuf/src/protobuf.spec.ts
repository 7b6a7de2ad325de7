import protobuf from 'protobufjs';
import { checkpointBarrier, collect, type DeadLetter, fromArray, InvalidArgumentError, isCheckpointBarrier, onError, pipeline } from '@streamweave/core';
import { FormatError } from '@streamweave/formats';
import { type MessageCodec, type ProtobufBadMessage, ProtobufError, protobufDecode, protobufEncode } from '@streamweave/formats-protobuf';
import { from, type Observable } from 'rxjs';

const proto = `
syntax = "proto3";
package t;
message Point { int32 x = 1; int32 y = 2; string label = 3; repeated int64 ids = 4; }
`;
const Point = protobuf.parse(proto).root.lookupType('t.Point');
const strict = protobuf.parse('syntax = "proto2"; package t; message S { required int32 id = 1; }').root.lookupType('t.S');
const points = Array.from({ length: 40 }, (_, i) => ({ x: i, y: 7 - i, label: `p${i}`, ids: [i, i * 1000] }));
const asObjects = { longs: Number, defaults: true };

async function encode(records: unknown[]): Promise<Uint8Array> {
  const { result } = await pipeline().from(fromArray(records)).pipe(protobufEncode(Point)).to(collect()).run();
  return Buffer.concat(result);
}
function chunk(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}
function applyRaw(t: { apply: (input: never, ctx: never) => Observable<unknown> }, elements: unknown[]): Promise<unknown[]> {
  const out: unknown[] = [];
  const ctx = { id: 't', component: { id: 't', type: 't' }, stats: { in: 0, out: 0, errors: 0, skipped: 0 }, fail: (c: unknown) => ({ action: 'stop', error: c }) };
  return new Promise((resolve, reject) => {
    t.apply(from(elements) as never, ctx as never).subscribe({ next: (x) => out.push(x), error: reject, complete: () => resolve(out) });
  });
}

describe('protobufEncode / protobufDecode', () => {
  it('writes each message as varint length + body, exactly as protobufjs encodeDelimited', async () => {
    const bytes = await encode(points);
    const expected = Buffer.concat(points.map((p) => Point.encodeDelimited(Point.fromObject(p)).finish()));
    expect(Buffer.from(bytes).equals(expected)).toBe(true);
  });

  it('decodes across any chunk boundaries, to messages or plain objects', async () => {
    const bytes = await encode(points);
    for (const size of [1, 2, 5, 64, bytes.length]) {
      const { result } = await pipeline().from(fromArray(chunk(bytes, size))).pipe(protobufDecode(Point, { toObject: asObjects })).to(collect()).run();
      expect(result).toEqual(points);
    }
    const { result: messages } = await pipeline().from(fromArray([bytes])).pipe(protobufDecode(Point)).to(collect()).run();
    expect(messages[0]).toBeInstanceOf(Point.ctor);
    const { result: defaults } = await pipeline().from(fromArray([bytes])).pipe(protobufDecode(Point, { toObject: true })).to(collect()).run();
    expect((defaults[1] as { label: string }).label).toBe('p1');
  });

  it('handles messages larger than 127 bytes (multi-byte length prefixes) and empty messages', async () => {
    const big = { x: 1, y: 2, label: 'x'.repeat(20_000), ids: [] };
    const empty = { x: 0, y: 0, label: '', ids: [] };
    const bytes = await encode([big, empty, big]);
    expect([bytes[0]! >= 0x80, bytes[1]! >= 0x80, bytes[2]! < 0x80]).toEqual([true, true, true]); // a 3-byte varint
    const { result } = await pipeline().from(fromArray(chunk(bytes, 1000))).pipe(protobufDecode(Point, { toObject: asObjects })).to(collect()).run();
    expect(result).toEqual([big, empty, big]);
  });

  it('passes signals in order', async () => {
    const bytes = await encode(points.slice(0, 4));
    const len = (i: number) => Point.encodeDelimited(Point.fromObject(points[i]!)).finish().length;
    const mid = len(0) + len(1) + 1;
    const out = await applyRaw(protobufDecode(Point, { toObject: asObjects }), [bytes.subarray(0, mid), checkpointBarrier(1, 0), bytes.subarray(mid)]);
    expect(out.findIndex(isCheckpointBarrier)).toBe(2);
    expect(out).toHaveLength(5);
  });

  it('accepts any codec with decode/encode (a hand-written one)', async () => {
    const text: MessageCodec<string> = {
      decode: (b) => new TextDecoder().decode(b),
      encode: (s) => ({ finish: () => new TextEncoder().encode(s) }),
    };
    const { result: wire } = await pipeline().from(fromArray(['a', 'bc', ''])).pipe(protobufEncode(text)).to(collect()).run();
    expect(Array.from(Buffer.concat(wire))).toEqual([1, 97, 2, 98, 99, 0]);
    const { result } = await pipeline().from(fromArray(wire)).pipe(protobufDecode<string>(text)).to(collect()).run();
    expect(result).toEqual(['a', 'bc', '']);
  });

  it('rejects bad arguments', () => {
    expect(() => protobufDecode({} as never)).toThrow(InvalidArgumentError);
    expect(() => protobufEncode(null as never)).toThrow(/codec/);
    expect(() => protobufDecode({ decode: () => 1, encode: () => ({ finish: () => new Uint8Array() }) }, { toObject: true })).toThrow(/toObject/);
  });
});

describe('protobuf bad input', () => {
  it('reports a truncated stream with source, offset and message index', async () => {
    const bytes = await encode(points.slice(0, 3));
    const err = (await pipeline()
      .from(fromArray(chunk(bytes.subarray(0, bytes.length - 2), 4)))
      .pipe(protobufDecode(Point, { name: 'dec', source: 'points.bin' }))
      .to(collect())
      .run()
      .catch((e: unknown) => e)) as ProtobufError;
    expect(err).toBeInstanceOf(ProtobufError);
    expect(err).toBeInstanceOf(FormatError);
    expect(err.format).toBe('protobuf');
    expect(err.source).toBe('points.bin');
    expect(err.recordIndex).toBe(2);
    const third = bytes.length - Point.encodeDelimited(Point.fromObject(points[2]!)).finish().length;
    expect(err.byteOffset).toBe(third);
    expect(err.component).toEqual({ id: 'dec', type: 'protobufDecode' });
    expect(err.message).toContain('truncated stream');
  });

  it('skips a message that does not parse and goes on (framing intact), dead-lettering its bytes', async () => {
    const good = Buffer.from(Point.encodeDelimited(Point.fromObject(points[1]!)).finish());
    const bad = Buffer.from([3, 0x0f, 0xff, 0xff]); // wire type 7 is invalid
    const missing = Uint8Array.from([0]); // an empty proto2 message: its required field is missing
    const strictGood = strict.encodeDelimited({ id: 3 }).finish();
    const { result, deadLetter, stats } = await pipeline()
      .from(fromArray([Buffer.concat([good, bad, good])]))
      .pipe(protobufDecode(Point, { name: 'dec', toObject: asObjects, errors: onError.deadLetter() }))
      .to(collect())
      .run({ deadLetter: collect<DeadLetter>() });
    expect(result).toEqual([points[1], points[1]]);
    const letters = deadLetter as DeadLetter<ProtobufBadMessage>[];
    expect(letters).toHaveLength(1);
    expect(letters[0]!.item).toEqual({ bytes: Uint8Array.from([0x0f, 0xff, 0xff]), byteOffset: good.length, recordIndex: 1 });
    expect((letters[0]!.error as ProtobufError).recordIndex).toBe(1);
    expect(stats['dec']!.skipped).toBe(1);
    const { result: s, stats: st } = await pipeline()
      .from(fromArray([Buffer.concat([missing, strictGood])]))
      .pipe(protobufDecode(strict, { name: 'dec', toObject: true, errors: onError.skip() }))
      .to(collect())
      .run();
    expect(s).toEqual([{ id: 3 }]);
    expect(st['dec']!.skipped).toBe(1);
  });

  it('reports a corrupt length prefix once and ignores the rest', async () => {
    const { result, stats } = await pipeline()
      .from(fromArray([Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 1, 2, 3]), Buffer.from([1, 2])]))
      .pipe(protobufDecode(Point, { name: 'dec', errors: onError.skip() }))
      .to(collect())
      .run();
    expect(result).toEqual([]);
    expect(stats['dec']!.skipped).toBe(1);
    const err = (await pipeline()
      .from(fromArray([Buffer.from([0x80, 0x80, 0x04])]))
      .pipe(protobufDecode(Point, { maxMessageBytes: 1024 }))
      .to(collect())
      .run()
      .catch((e: unknown) => e)) as ProtobufError;
    expect(err.message).toContain('length prefix 65536 exceeds maxMessageBytes 1024');
    expect(err.byteOffset).toBe(0);
  });

  it('reports non-byte chunks', async () => {
    const err = (await pipeline().from(fromArray([42 as never])).pipe(protobufDecode(Point)).to(collect()).run().catch((e: unknown) => e)) as ProtobufError;
    expect(err.message).toContain('expected Uint8Array chunks, got number');
    const bytes = await encode(points.slice(0, 3));
    const late = (await pipeline()
      .from(fromArray([bytes.slice(0, bytes.length - 2), 7 as never]))
      .pipe(protobufDecode(Point, { source: 'p.bin' }))
      .to(collect())
      .run()
      .catch((e: unknown) => e)) as ProtobufError;
    expect(late.message.replace(/^\[[^\]]*\] /, '')).toBe(`protobuf (source "p.bin", byte ${bytes.length - 2}, record #2): expected Uint8Array chunks, got number`);
  });

  it('routes records the type rejects when encoding, naming the record index', async () => {
    const { result, deadLetter } = await pipeline()
      .from(fromArray([points[0], { x: 'not a number' }, points[2]]))
      .pipe(protobufEncode(Point, { name: 'enc', source: 'out.bin', errors: onError.deadLetter() }))
      .to(collect())
      .run({ deadLetter: collect<DeadLetter>() });
    expect(result).toHaveLength(2);
    const e = (deadLetter as DeadLetter[])[0]!.error as ProtobufError;
    expect(e.recordIndex).toBe(1);
    expect(e.source).toBe('out.bin');
    expect((e.cause as Error).message).toBe('x: integer expected');
    // Without verify, protobufjs coerces what it can.
    const { result: loose } = await pipeline().from(fromArray([{ x: 1 }])).pipe(protobufEncode(Point, { verify: false })).to(collect()).run();
    expect(loose).toHaveLength(1);
  });
});
