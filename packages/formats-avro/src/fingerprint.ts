import type { AvroSchema } from './internal/schemas.js';
import { canonicalSchema, toAvroType } from './internal/schemas.js';

const mask = (1n << 64n) - 1n;
/** CRC-64-AVRO's empty value, from the Avro specification. */
const empty = 0xc15d213aa4d7a795n;
let table: BigUint64Array | undefined;

function fingerprintTable(): BigUint64Array {
  if (table) return table;
  table = new BigUint64Array(256);
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (empty & -(fp & 1n) & mask);
    table[i] = fp;
  }
  return table;
}

/** CRC-64-AVRO (Rabin) of arbitrary bytes, as an unsigned 64-bit bigint. @internal */
export function rabin64(bytes: Uint8Array): bigint {
  const t = fingerprintTable();
  let fp = empty;
  for (const b of bytes) fp = (fp >> 8n) ^ t[Number((fp ^ BigInt(b)) & 0xffn)]!;
  return fp;
}

/**
 * The 64-bit Rabin fingerprint (CRC-64-AVRO) of a schema's Parsing Canonical
 * Form, as Avro's single-object encoding and `SchemaNormalization.parsingFingerprint64`
 * compute it: two schemas that read and write the same bytes get the same one.
 *
 * @example
 * ```ts
 * avroFingerprint64('"int"'); // 0x7275d51a3f395c8fn
 * ```
 * @see {@link avroSingleObjectEncode}
 */
export function avroFingerprint64(schema: AvroSchema): bigint {
  return rabin64(new TextEncoder().encode(canonicalSchema(toAvroType('avroFingerprint64', 'schema', schema))));
}
