import { collect, type DeadLetter, fromArray, InvalidArgumentError, onError, pipeline } from '@streamweave/core';
import { AvroError, avroFingerprint64, avroSingleObjectDecode, avroSingleObjectEncode } from '@streamweave/formats-avro';

const v1 = { type: 'record', name: 'Event', fields: [{ name: 'n', type: 'int' }] };
const v2 = { type: 'record', name: 'Event', fields: [{ name: 'n', type: 'long' }, { name: 'tag', type: 'string', default: 'none' }] };

async function encode(records: unknown[], schema: object = v1): Promise<Uint8Array[]> {
  const { result } = await pipeline().from(fromArray(records)).pipe(avroSingleObjectEncode({ schema })).to(collect()).run();
  return result;
}

describe('avroFingerprint64', () => {
  it('matches the CRC-64-AVRO values of the Avro specification test vectors', () => {
    expect(avroFingerprint64('"int"')).toBe(8247732601305521295n);
    expect(avroFingerprint64('string')).toBe(BigInt.asUintN(64, -8142146995180207161n));
    // Docs, defaults and aliases are not part of the canonical form.
    expect(avroFingerprint64({ ...v1, doc: 'x', fields: [{ name: 'n', type: 'int', default: 3 }] })).toBe(avroFingerprint64(v1));
  });
});

describe('avroSingleObjectEncode / avroSingleObjectDecode', () => {
  it('writes C3 01, the little-endian fingerprint and the body', async () => {
    const [msg] = await encode([{ n: 1 }]);
    const fp = avroFingerprint64(v1);
    const expected = new Uint8Array(11);
    expected[0] = 0xc3;
    expected[1] = 0x01;
    new DataView(expected.buffer).setBigUint64(2, fp, true);
    expected[10] = 2; // zig-zag 1
    expect(Array.from(msg!)).toEqual(Array.from(expected));
  });

  it('decodes messages of several writer schemas into the reader schema', async () => {
    const a = await encode([{ n: 1 }, { n: 2 }], v1);
    const b = await encode([{ n: 3, tag: 'x' }], v2);
    const { result } = await pipeline()
      .from(fromArray([...a, ...b]))
      .pipe(avroSingleObjectDecode({ schemas: [v1, v2], readerSchema: v2 }))
      .to(collect())
      .run();
    expect(result.map((r) => ({ ...(r as object) }))).toEqual([
      { n: 1, tag: 'none' },
      { n: 2, tag: 'none' },
      { n: 3, tag: 'x' },
    ]);
  });

  it('routes bad messages with typed errors naming source, offset and message index', async () => {
    const [good] = await encode([{ n: 5 }]);
    const unknown = (await encode([{ n: 1, tag: 't' }], v2))[0]!;
    const trailing = Uint8Array.from([...good!, 0]);
    const truncated = good!.subarray(0, 10);
    const badBody = Uint8Array.from([...good!.subarray(0, 10), 0x80]);
    const inputs: unknown[] = [Uint8Array.from([1, 2]), Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), unknown, trailing, truncated, badBody, 'str', good];
    const { result, deadLetter, stats } = await pipeline()
      .from(fromArray(inputs as Uint8Array[]))
      .pipe(avroSingleObjectDecode({ name: 'so', schemas: [v1], source: 'events', errors: onError.deadLetter() }))
      .to(collect())
      .run({ deadLetter: collect<DeadLetter>() });
    expect(result.map((r) => ({ ...(r as object) }))).toEqual([{ n: 5 }]);
    const errs = (deadLetter as DeadLetter[]).map((d) => d.error as AvroError);
    expect(errs.every((e) => e instanceof AvroError && e.source === 'events')).toBe(true);
    expect(errs.map((e) => [e.recordIndex, e.byteOffset])).toEqual([
      [0, 0],
      [1, 0],
      [2, 2],
      [3, 11],
      [4, 10],
      [5, 10],
      [6, 0],
    ]);
    expect(errs[0]!.message).toContain('shorter than the 10-byte');
    expect(errs[1]!.message).toContain('expected marker C3 01');
    expect(errs[2]!.message).toContain('unknown schema fingerprint');
    expect(errs[3]!.message).toContain('1 trailing bytes');
    expect(errs[5]!.message).toContain('does not decode');
    expect(errs[6]!.message).toContain('expected a Uint8Array message, got string');
    expect(stats['so']!.skipped).toBe(7);
  });

  it('reports an incompatible reader schema', async () => {
    const msgs = await encode([{ n: 1 }]);
    const err = await pipeline()
      .from(fromArray(msgs))
      .pipe(avroSingleObjectDecode({ schemas: [v1], readerSchema: { type: 'record', name: 'Event', fields: [{ name: 'q', type: 'int' }] } }))
      .to(collect())
      .run()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AvroError);
    expect((err as AvroError).message).toContain('reader schema cannot read');
    expect([(err as AvroError).byteOffset, (err as AvroError).recordIndex]).toEqual([2, 0]);
  });

  it('skips records that do not match the schema when encoding', async () => {
    const { result, stats } = await pipeline()
      .from(fromArray([{ n: 'x' }, { n: 2 }]))
      .pipe(avroSingleObjectEncode({ name: 'e', schema: v1, errors: onError.skip() }))
      .to(collect())
      .run();
    expect(result).toHaveLength(1);
    expect(stats['e']!.skipped).toBe(1);
  });

  it('rejects bad options', () => {
    expect(() => avroSingleObjectDecode({ schemas: [] })).toThrow(InvalidArgumentError);
    expect(() => avroSingleObjectDecode(undefined as never)).toThrow(InvalidArgumentError);
    expect(() => avroSingleObjectEncode({} as never)).toThrow(/schema/);
    expect(() => avroSingleObjectDecode({ schemas: [{ type: 'bogus' }] })).toThrow(/schemas\[0\]/);
  });
});
