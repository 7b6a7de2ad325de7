/**
 * Property tests: truncated, corrupted and random inputs to every Avro decoder
 * never hang, never crash with anything but an AvroError, and whatever decodes
 * is counted (records out + errors account for the input).
 */
import fc from 'fast-check';
import { collect, fromArray, onError, pipeline, type Transformer } from '@streamweave/core';
import {
  AvroError,
  avroDecode,
  avroEncode,
  avroSingleObjectDecode,
  confluentAvroDecode,
  InMemorySchemaRegistry,
  type AvroCodec,
} from '@streamweave/formats-avro';
import { from } from 'rxjs';

const schema = {
  type: 'record',
  name: 'F',
  fields: [
    { name: 'a', type: 'long' },
    { name: 's', type: 'string' },
    { name: 'm', type: { type: 'map', values: ['null', 'int'] } },
    { name: 'b', type: 'bytes' },
  ],
};
const record = fc.record({
  // avsc's default long type is exact only within ±2^52 (its zig-zag step doubles the value); see README.
  a: fc.integer({ min: -(2 ** 31), max: 2 ** 31 }).map((hi) => hi * 2 ** 21),
  s: fc.string({ maxLength: 20 }),
  m: fc.dictionary(fc.string({ maxLength: 4 }), fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }), { maxKeys: 3 }),
  b: fc.uint8Array({ maxLength: 8 }).map((u) => Buffer.from(u)),
});
const seed = 20261127;

/** Runs a synchronous decoder over chunks under skip; returns what came out and every error it reported. */
function runSync(t: Transformer<Uint8Array, unknown>, chunks: Uint8Array[]): { records: unknown[]; errors: unknown[]; completed: boolean } {
  const records: unknown[] = [];
  const errors: unknown[] = [];
  let completed = false;
  const stats = { in: 0, out: 0, errors: 0, skipped: 0 };
  const ctx = {
    id: 'f',
    component: { id: 'f', type: 'fuzz' },
    stats,
    fail: (cause: unknown) => {
      errors.push(cause);
      return { action: 'skip', error: cause };
    },
  };
  t.apply(from(chunks), ctx as never).subscribe({
    next: (x) => records.push(x),
    error: (e: unknown) => errors.push(e),
    complete: () => (completed = true),
  });
  return { records, errors, completed };
}

async function encodeFile(records: unknown[], codec: AvroCodec, blockBytes: number): Promise<Uint8Array> {
  const { result } = await pipeline().from(fromArray(records)).pipe(avroEncode({ schema, codec, blockBytes })).to(collect()).run();
  return Buffer.concat(result);
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

describe('avroDecode fuzzing', () => {
  it('random bytes: completes and raises only AvroErrors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 5 }), fc.boolean(), (bytes, cuts, withMagic) => {
        const input = withMagic ? Buffer.concat([Buffer.from('Obj\u0001', 'latin1'), bytes]) : bytes;
        const r = runSync(avroDecode(), split(input, cuts));
        expect(r.completed).toBe(true);
        expect(r.errors.length).toBeGreaterThan(0);
        expect(r.errors.every((e) => e instanceof AvroError)).toBe(true);
      }),
      { seed, numRuns: 300 },
    );
  });

  it.each(['null', 'deflate', 'snappy'] as const)('truncated %s files: a prefix of the records, then one truncation error (or none at a block boundary)', async (codec) => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), async (records, at) => {
        const file = await encodeFile(records, codec, 64);
        const cut = Math.floor(at * file.length);
        const r = runSync(avroDecode(), [file.subarray(0, cut)]);
        expect(r.completed).toBe(true);
        expect(r.records.map((x) => ({ ...(x as object) }))).toEqual(records.slice(0, r.records.length));
        expect(r.errors.length).toBeLessThanOrEqual(1);
        if (r.errors.length === 1) {
          const e = r.errors[0] as AvroError;
          expect(e).toBeInstanceOf(AvroError);
          expect(e.message).toContain('truncated');
          expect(e.recordIndex).toBe(r.records.length);
        } else {
          expect(r.records.length === records.length || cut > 0).toBe(true);
        }
      }),
      { seed, numRuns: 60 },
    );
  });

  it.each(['null', 'deflate', 'snappy'] as const)('corrupted %s files: never crash, errors are AvroErrors, never more records than written', async (codec) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 30 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (records, flips, cuts) => {
          const file = Uint8Array.from(await encodeFile(records, codec, 64));
          for (const [where, x] of flips) {
            const i = Math.floor(where * file.length) % file.length;
            file[i] = file[i]! ^ x;
          }
          const r = runSync(avroDecode(), split(file, cuts));
          expect(r.completed).toBe(true);
          expect(r.errors.every((e) => e instanceof AvroError)).toBe(true);
          expect(r.records.length).toBeLessThanOrEqual(records.length);
        },
      ),
      { seed, numRuns: 60 },
    );
  });

  it('stop strategy: a corrupt file fails the run with an AvroError naming the offset', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), async (junk) => {
        const file = await encodeFile([{ a: 1, s: 'x', m: {}, b: Buffer.alloc(0) }], 'null', 64);
        const err = await pipeline()
          .from(fromArray([Buffer.concat([file, junk])]))
          .pipe(avroDecode({ source: 'fuzz' }))
          .to(collect())
          .run()
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        // Trailing junk is an incomplete or corrupt block.
        expect(err).toBeInstanceOf(AvroError);
        expect((err as AvroError).byteOffset).toBeGreaterThanOrEqual(file.length);
        expect((err as AvroError).source).toBe('fuzz');
      }),
      { seed, numRuns: 40 },
    );
  });
});

describe('message decoders fuzzing', () => {
  it('single-object: random messages raise AvroErrors only', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), fc.boolean(), (msgs, prefixed) => {
        const input = msgs.map((m) => (prefixed ? Uint8Array.from([0xc3, 0x01, ...m]) : m));
        const r = runSync(avroSingleObjectDecode({ schemas: [schema] }), input);
        expect(r.completed).toBe(true);
        expect(r.records.length + r.errors.length).toBe(input.length);
        expect(r.errors.every((e) => e instanceof AvroError)).toBe(true);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('Confluent: random messages raise AvroErrors only and every message is counted', async () => {
    const registry = new InMemorySchemaRegistry();
    await registry.register('s', JSON.stringify(schema));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }), fc.boolean(), async (msgs, prefixed) => {
        const input = msgs.map((m) => (prefixed ? Uint8Array.from([0, 0, 0, 0, 1, ...m]) : m));
        const { result, stats } = await pipeline()
          .from(fromArray(input))
          .pipe(confluentAvroDecode({ name: 'c', registry, errors: onError.custom((f) => (f.error instanceof AvroError ? 'skip' : 'stop')) }))
          .to(collect())
          .run();
        expect(result.length + stats['c']!.skipped).toBe(input.length);
      }),
      { seed, numRuns: 100 },
    );
  });
});
