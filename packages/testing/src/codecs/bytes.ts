/** Byte helpers for codec tests: text to bytes and back, joining, and cutting into chunks. */
import { InvalidArgumentError } from '@streamweave/core';

/**
 * Encodes text as UTF-8 bytes.
 *
 * @example
 * ```ts
 * utf8('é'); // Uint8Array [0xc3, 0xa9]
 * ```
 * @see {@link text} for the way back
 */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/**
 * Decodes chunks of UTF-8 bytes as one text (an encoder's output, for example).
 *
 * @example
 * ```ts
 * text([utf8('a,b'), utf8('\n')]); // 'a,b\n'
 * ```
 * @see {@link utf8}
 */
export function text(chunks: readonly Uint8Array[]): string {
  return new TextDecoder().decode(concat(chunks));
}

/**
 * Joins byte chunks into one array.
 *
 * @example
 * ```ts
 * concat([Uint8Array.of(1), Uint8Array.of(2, 3)]); // Uint8Array [1, 2, 3]
 * ```
 * @see {@link chunked} and {@link splitAt} for the reverse
 */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const r = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    r.set(c, o);
    o += c.length;
  }
  return r;
}

/**
 * Splits bytes into chunks of `size` bytes (the last may be shorter), to feed a
 * decoder the same input under every chunking.
 *
 * @example
 * ```ts
 * chunked(utf8('abcde'), 2); // 'ab', 'cd', 'e'
 * ```
 * @see {@link splitAt} for arbitrary cut points
 */
export function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  if (!(Number.isInteger(size) && size > 0)) throw new InvalidArgumentError(`chunked: size must be a positive integer, got ${String(size)}`);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

/**
 * Cuts bytes at arbitrary points into chunks (each cut taken modulo
 * `bytes.length + 1`, duplicates ignored): give it `fc.array(fc.nat())` in a
 * property test to try every chunk boundary, empty chunks included.
 *
 * @example
 * ```ts
 * splitAt(utf8('abcdef'), [2, 4]); // 'ab', 'cd', 'ef'
 * ```
 * @see {@link chunked}
 */
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
