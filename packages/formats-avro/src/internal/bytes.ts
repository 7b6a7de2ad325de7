/** Byte helpers shared by the Avro codecs: varint longs, concatenation, CRC-32. */
import { Buffer } from 'node:buffer';

/** Largest byte length we accept for a varint long (10 bytes hold 64 bits). */
const maxVarintBytes = 10;

/** A zig-zag varint long decoded at some offset: its value and the offset after it. */
export interface DecodedLong {
  readonly value: number;
  readonly next: number;
}

/**
 * Reads an Avro zig-zag varint long at `pos`. Returns `undefined` when the bytes
 * end before the varint does (the caller waits for more input) and `null` when
 * the bytes cannot be a long that fits a JavaScript number (corrupt input).
 */
export function readLong(bytes: Uint8Array, pos: number, end: number = bytes.length): DecodedLong | undefined | null {
  let n = 0;
  let scale = 1;
  for (let i = 0; i < maxVarintBytes; i++) {
    if (pos + i >= end) return undefined;
    const b = bytes[pos + i]!;
    n += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (!Number.isSafeInteger(n)) return null;
      // Zig-zag: even numbers are non-negative, odd ones negative.
      const value = n % 2 === 0 ? n / 2 : -(n + 1) / 2;
      return { value, next: pos + i + 1 };
    }
    scale *= 128;
  }
  return null;
}

/** Encodes `n` (a safe integer) as an Avro zig-zag varint long. */
export function writeLong(n: number): Uint8Array {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (z >= 0x80) {
    out.push((z % 128) | 0x80);
    z = Math.floor(z / 128);
  }
  out.push(z);
  return Uint8Array.from(out);
}

/** Concatenates byte arrays into one. */
export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  const length = total ?? parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A Node Buffer view of `bytes` without copying (avsc reads and writes Buffers). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE), as the Avro snappy codec appends it; Node 20's zlib has no crc32 yet. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** True when `a[aPos..aPos+b.length)` equals `b`. */
export function bytesEqualAt(a: Uint8Array, aPos: number, b: Uint8Array): boolean {
  if (aPos + b.length > a.length) return false;
  for (let i = 0; i < b.length; i++) if (a[aPos + i] !== b[i]) return false;
  return true;
}

/** Index of the first occurrence of `needle` in `hay` at or after `from`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  return asBuffer(hay).indexOf(asBuffer(needle), from);
}

/** A short description of a value of the wrong type, for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `an object (${(value as object).constructor?.name ?? 'Object'})` : typeof value;
}
