/** Shared fast-check helpers for decoder fuzzing. */
import { collect, fromArray, pipeline, type Transformer } from '@streamweave/core';
import fc from 'fast-check';

/** Cuts bytes at arbitrary points into chunks. */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % (bytes.length + 1))))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.slice(prev, p));
    prev = p;
  }
  out.push(bytes.slice(prev));
  return out;
}

/** A mutation of valid bytes: truncation, byte flips, or an insertion. */
export const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

export type Mutation = { kind: 'truncate'; at: number } | { kind: 'flip'; at: number[]; value: number } | { kind: 'insert'; at: number; bytes: Uint8Array };

export function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  if (bytes.length === 0) return bytes;
  if (m.kind === 'truncate') return bytes.slice(0, m.at % bytes.length);
  if (m.kind === 'flip') {
    const out = bytes.slice();
    for (const a of m.at) out[a % out.length] = m.value;
    return out;
  }
  const at = m.at % (bytes.length + 1);
  const out = new Uint8Array(bytes.length + m.bytes.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(m.bytes, at);
  out.set(bytes.subarray(at), at + m.bytes.length);
  return out;
}

/**
 * Runs the decoder: it must either finish or fail with `ErrorClass` (the
 * format's typed error), never with anything else, and never hang.
 * Returns the decoded items, or the error.
 */
export async function decodeOrTypedError<O>(make: () => Transformer<Uint8Array, O>, chunks: Uint8Array[], ErrorClass: abstract new (...args: never[]) => Error): Promise<O[] | Error> {
  try {
    return (await pipeline().from(fromArray(chunks)).pipe(make()).to(collect<O>()).run()).result;
  } catch (e) {
    if (!(e instanceof ErrorClass)) throw new Error(`expected ${ErrorClass.name}, got ${String(e)}`, { cause: e });
    return e;
  }
}
