/**
 * `@streamweave/formats`: browser-safe codecs (JSON / NDJSON, CSV, MessagePack)
 * as decode/encode transformers over Uint8Array chunks, and the shared
 * {@link FormatError} every StreamWeave codec raises.
 *
 * @packageDocumentation
 */
export { FormatError, type FormatErrorOptions } from './formatError.js';
export { JsonFormatError } from './json/jsonFormatError.js';
export { ndjsonDecode, type NdjsonDecodeOptions } from './json/ndjsonDecode.js';
export { ndjsonEncode, type NdjsonEncodeOptions } from './json/ndjsonEncode.js';
export { jsonStreamDecode, type JsonStreamDecodeOptions } from './json/jsonStreamDecode.js';
export type { StandardSchemaV1, StandardResult } from './internal/schema.js';
export {
  asBytes,
  defineCodec,
  type CodecCore,
  type CodecOptions,
  type CodecSink,
  type FailureDetails,
  type FormatErrorClass,
} from './defineCodec.js';
export { CsvError } from './csv/csvFormatError.js';
export { csvDecode, type CsvDecodeOptions } from './csv/csvDecode.js';
export { csvEncode, type CsvEncodeOptions } from './csv/csvEncode.js';
export type { CsvDialect } from './csv/csvDialect.js';
export type { CsvColumnType } from './csv/csvColumns.js';
export { MsgpackError } from './msgpack/msgpackFormatError.js';
export { msgpackDecode, type MsgpackDecodeOptions } from './msgpack/msgpackDecode.js';
export { msgpackEncode, type MsgpackEncodeOptions } from './msgpack/msgpackEncode.js';
