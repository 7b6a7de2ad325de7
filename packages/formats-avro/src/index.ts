/**
 * `@streamweave/formats-avro`: Apache Avro codecs as StreamWeave transformers.
 * Object container files (null / deflate / snappy) decoded across arbitrary
 * chunk boundaries and written block by block, schema evolution with reader
 * schemas, single-object encoding and the Confluent wire format with a schema
 * registry client. File helpers live in `@streamweave/formats-avro/node`.
 *
 * @packageDocumentation
 */
export { AvroError, type AvroErrorOptions } from './avroError.js';
export { avroDecode, type AvroDecodeOptions } from './avroDecode.js';
export { avroEncode, type AvroEncodeOptions } from './avroEncode.js';
export type { AvroBadBlock, AvroHeader } from './internal/containerParser.js';
export type { AvroCodec } from './internal/codecs.js';
export type { AvroSchema } from './internal/schemas.js';
export { avroFingerprint64 } from './fingerprint.js';
export {
  avroSingleObjectDecode,
  avroSingleObjectEncode,
  type AvroSingleObjectDecodeOptions,
  type AvroSingleObjectEncodeOptions,
} from './singleObject.js';
export {
  InMemorySchemaRegistry,
  SchemaRegistryError,
  type SchemaRegistry,
  type SchemaRegistryErrorOptions,
} from './schemaRegistry.js';
export { HttpSchemaRegistry, type HttpSchemaRegistryOptions } from './httpSchemaRegistry.js';
export { confluentAvroDecode, confluentAvroEncode, type ConfluentAvroDecodeOptions, type ConfluentAvroEncodeOptions } from './confluent.js';
