/**
 * Property tests: truncated, corrupted and random inputs to the delimited
 * decoder never hang, never crash with anything but a ProtobufError, and every
 * message is accounted for (decoded or reported).
 */
import fc from 'fast-check';
import protobuf from 'protobufjs';
import type { Transformer } from '@streamweave/core';
import { ProtobufError, protobufDecode } from '@streamweave/formats-protobuf';
import { from } from 'rxjs';

const root = protobuf.parse(`
syntax = "proto3";
package f;
message Inner { sint64 v = 1; bytes b = 2; }
message M { int32 a = 1; string s = 2; repeated Inner inner = 3; map<string, double> m = 4; fixed32 f = 5; }
`).root;
const M = root.lookupType('f.M');
const seed = 20261127;
const message = fc.record({
  a: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  s: fc.string({ maxLength: 30 }),
  inner: fc.array(fc.record({ v: fc.integer(), b: fc.uint8Array({ maxLength: 6 }) }), { maxLength: 3 }),
  m: fc.dictionary(fc.string({ maxLength: 3 }), fc.double({ noNaN: true }), { maxKeys: 3 }),
  f: fc.nat({ max: 2 ** 32 - 1 }),
});

function runSync(t: Transformer<Uint8Array, unknown>, chunks: Uint8Array[]) {
  const records: unknown[] = [];
  const errors: unknown[] = [];
  let completed = false;
  const ctx = {
    id: 'f',
    component: { id: 'f', type: 'fuzz' },
    stats: { in: 0, out: 0, errors: 0, skipped: 0 },
    fail: (cause: unknown) => {
      errors.push(cause);
      return { action: 'skip', error: cause };
    },
  };
  t.apply(from(chunks), ctx as never).subscribe({ next: (x) => records.push(x), error: (e: unknown) => errors.push(e), complete: () => (completed = true) });
  return { records, errors, completed };
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

const encodeAll = (ms: object[]) => Buffer.concat(ms.map((m) => M.encodeDelimited(M.fromObject(m)).finish()));

describe('protobufDecode fuzzing', () => {
  it('round-trips any messages across any chunk boundaries', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 8 }), (ms, cuts) => {
        const bytes = encodeAll(ms);
        const r = runSync(protobufDecode(M, { toObject: { longs: Number } }), split(bytes, cuts));
        expect(r.errors).toEqual([]);
        expect(r.records).toHaveLength(ms.length);
        expect(Buffer.concat(r.records.map((x) => M.encodeDelimited(M.fromObject(x as object)).finish())).equals(bytes)).toBe(true);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('random bytes: completes, raises only ProtobufErrors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        const r = runSync(protobufDecode(M), split(bytes, cuts));
        expect(r.completed).toBe(true);
        expect(r.errors.every((e) => e instanceof ProtobufError)).toBe(true);
      }),
      { seed, numRuns: 400 },
    );
  });

  it('truncated streams: the complete messages, then exactly one truncation error at the cut message', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 15 }), fc.double({ min: 0, max: 1, noNaN: true }), (ms, at) => {
        const bytes = encodeAll(ms);
        const cut = Math.floor(at * bytes.length);
        const r = runSync(protobufDecode(M), [bytes.subarray(0, cut)]);
        expect(r.completed).toBe(true);
        // Every message that ended before the cut was decoded; the cut one is reported.
        let end = 0;
        let whole = 0;
        for (const m of ms) {
          const len = M.encodeDelimited(M.fromObject(m)).finish().length;
          if (end + len > cut) break;
          end += len;
          whole++;
        }
        expect(r.records).toHaveLength(whole);
        if (end === cut) expect(r.errors).toEqual([]);
        else {
          expect(r.errors).toHaveLength(1);
          const e = r.errors[0] as ProtobufError;
          expect([e instanceof ProtobufError, e.byteOffset, e.recordIndex]).toEqual([true, end, whole]);
        }
      }),
      { seed, numRuns: 200 },
    );
  });

  it('corrupted streams: never crash, only ProtobufErrors, never more messages than bytes allow', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 15 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (ms, flips) => {
          const bytes = Uint8Array.from(encodeAll(ms));
          for (const [where, x] of flips) {
            const i = Math.floor(where * bytes.length) % bytes.length;
            bytes[i] = bytes[i]! ^ x;
          }
          const r = runSync(protobufDecode(M), [bytes]);
          expect(r.completed).toBe(true);
          expect(r.errors.every((e) => e instanceof ProtobufError)).toBe(true);
          // Each decoded or failed message consumed at least its one-byte length prefix.
          expect(r.records.length).toBeLessThanOrEqual(bytes.length);
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});
