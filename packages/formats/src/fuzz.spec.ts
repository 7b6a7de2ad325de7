/** Property tests: every decoder, fed random, truncated and corrupted bytes, decodes or raises its typed error. */
import { CsvError, csvDecode, csvEncode, JsonFormatError, jsonStreamDecode, MsgpackError, msgpackDecode, ndjsonDecode } from '@streamweave/formats';
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { concat, decodeOrTypedError, mutate, runCodec, splitAt, utf8 } from '@streamweave/testing';

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

const runs = { numRuns: 150 };
const cuts = fc.array(fc.nat(), { maxLength: 6 });

describe('decoder fuzzing', () => {
  it('ndjsonDecode: random bytes and mutated valid NDJSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.array(fc.jsonValue(), { maxLength: 5 }).map((vs) => utf8(vs.map((v) => JSON.stringify(v)).join('\n')))), mutation, cuts, async (bytes, m, c) => {
        await decodeOrTypedError(() => ndjsonDecode(), splitAt(mutate(bytes, m), c), JsonFormatError);
      }),
      runs,
    );
  });

  it('jsonStreamDecode: valid documents decode exactly; random and mutated ones decode or raise JsonFormatError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue(), { maxLength: 6 }), cuts, async (values, c) => {
        const out = await decodeOrTypedError(() => jsonStreamDecode(), splitAt(utf8(JSON.stringify(values)), c), JsonFormatError);
        expect(out).toEqual(JSON.parse(JSON.stringify(values)));
      }),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.jsonValue().map((v) => utf8(JSON.stringify({ data: { items: [v, v] } })))), mutation, cuts, async (bytes, m, c) => {
        await decodeOrTypedError(() => jsonStreamDecode({ path: '$.data.items[*]' }), splitAt(mutate(bytes, m), c), JsonFormatError);
      }),
      runs,
    );
  });

  it('csvDecode: encoder output decodes back exactly; random and mutated input decodes or raises CsvError', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é', '😀') });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(field, field), { minLength: 1, maxLength: 5 }), cuts, async (rows, c) => {
        const bytes = concat((await runCodec(csvEncode({ header: false }), rows)).items);
        const out = await decodeOrTypedError(() => csvDecode({ header: false, skipEmptyLines: false }), splitAt(bytes, c), CsvError);
        expect(out).toEqual(rows);
      }),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r') }).map(utf8)), mutation, cuts, async (bytes, m, c) => {
        await decodeOrTypedError(() => csvDecode(), splitAt(mutate(bytes, m), c), CsvError);
      }),
      runs,
    );
  });

  it('msgpackDecode: values from @msgpack/msgpack decode exactly; mutated ones decode or raise MsgpackError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue(), { maxLength: 5 }), cuts, async (values, c) => {
        const normal = JSON.parse(JSON.stringify(values)) as unknown[];
        const out = await decodeOrTypedError(() => msgpackDecode(), splitAt(concat(normal.map((v) => encode(v))), c), MsgpackError);
        expect(out).toEqual(normal);
      }),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.array(fc.jsonValue(), { maxLength: 4 }).map((vs) => concat(vs.map((v) => encode(v))))), mutation, cuts, async (bytes, m, c) => {
        await decodeOrTypedError(() => msgpackDecode({ maxValueBytes: 1 << 16 }), splitAt(mutate(bytes, m), c), MsgpackError);
      }),
      runs,
    );
  });
});
