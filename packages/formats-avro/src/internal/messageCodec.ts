/** Shared decoding of one Avro-encoded message body (single-object and Confluent payloads). */
import type avro from 'avsc';
import { AvroError, type AvroErrorOptions } from '../avroError.js';
import { asBuffer } from './bytes.js';
import type { AvroResolver } from './schemas.js';

/** A writer type plus how to read it as the reader type. */
export interface ReadPlan {
  readonly type: avro.Type;
  readonly resolver: AvroResolver | undefined;
}

/** Builds the plan for a writer type, with the reader schema when one was given. Throws an AvroError when they are incompatible. */
export function readPlan(writer: avro.Type, reader: avro.Type | undefined, where: AvroErrorOptions): ReadPlan {
  if (!reader) return { type: writer, resolver: undefined };
  try {
    return { type: reader, resolver: reader.createResolver(writer) };
  } catch (e) {
    throw new AvroError('the reader schema cannot read data written with the writer schema', { ...where, cause: e });
  }
}

/** Decodes the body at `offset` that must fill the rest of `bytes`. */
export function decodeBody(plan: ReadPlan, bytes: Uint8Array, offset: number, where: AvroErrorOptions): unknown {
  let decoded: { value: unknown; offset: number };
  let cause: unknown;
  try {
    decoded = plan.type.decode(asBuffer(bytes), offset, plan.resolver);
  } catch (e) {
    decoded = { value: undefined, offset: -1 };
    cause = e;
  }
  if (decoded.offset < 0) {
    throw new AvroError('message body does not decode with its writer schema', { ...where, byteOffset: offset, cause: cause ?? new Error('truncated message') });
  }
  if (decoded.offset !== bytes.length) {
    throw new AvroError(`message has ${bytes.length - decoded.offset} trailing bytes after the record`, { ...where, byteOffset: decoded.offset });
  }
  return decoded.value;
}
