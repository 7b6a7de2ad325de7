/** Corrupting valid bytes for decoder fuzzing. */

/**
 * A change to valid bytes: cut them short, overwrite some bytes, or insert
 * some. Positions are taken modulo the input length, so any number is valid
 * (generate them with fast-check, see {@link mutate}).
 */
export type Mutation =
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'flip'; readonly at: readonly number[]; readonly value: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array };

/**
 * Applies a {@link Mutation} to a copy of `bytes` (empty input stays empty):
 * truncated files, corrupt blocks and stray bytes for decoder property tests.
 *
 * @example
 * ```ts
 * // With fast-check:
 * const mutation = fc.oneof(
 *   fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
 *   fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), value: fc.integer({ min: 0, max: 255 }) }),
 *   fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
 * );
 * fc.asyncProperty(mutation, async (m) => decodeOrTypedError(() => csvDecode(), [mutate(valid, m)], CsvError));
 * ```
 * @see {@link decodeOrTypedError}
 */
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
