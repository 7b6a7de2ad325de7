/** Avro container block codecs: null, deflate (raw RFC 1951) and snappy (with its CRC-32 trailer). */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import snappy from 'snappyjs';
import { crc32 } from './bytes.js';

/** The block codecs this package reads and writes. */
export type AvroCodec = 'null' | 'deflate' | 'snappy';

/** True when `name` is a codec this package supports. */
export function isSupportedCodec(name: string): name is AvroCodec {
  return name === 'null' || name === 'deflate' || name === 'snappy';
}

/** Compresses one block's serialized records. */
export function compressBlock(codec: AvroCodec, data: Uint8Array): Uint8Array {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return deflateRawSync(data);
    case 'snappy': {
      const compressed = snappy.compress(data);
      const out = new Uint8Array(compressed.length + 4);
      out.set(compressed, 0);
      new DataView(out.buffer).setUint32(compressed.length, crc32(data));
      return out;
    }
  }
}

/**
 * Decompresses one block. Throws a plain Error naming what is wrong; the caller
 * turns it into an AvroError with the block's position. `maxBytes` bounds the
 * output so corrupt length headers cannot exhaust memory.
 */
export function decompressBlock(codec: AvroCodec, data: Uint8Array, maxBytes: number): Uint8Array {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return inflateRawSync(data, { maxOutputLength: maxBytes });
    case 'snappy': {
      if (data.length < 4) throw new Error('snappy block shorter than its 4-byte CRC');
      const body = data.subarray(0, data.length - 4);
      const out = snappy.uncompress(body, maxBytes);
      const expected = new DataView(data.buffer, data.byteOffset + data.length - 4, 4).getUint32(0);
      if (crc32(out) !== expected) throw new Error('snappy block CRC-32 mismatch');
      return out;
    }
  }
}
