/**
 * @streamweave/formats: browser-safe codecs (JSON / NDJSON, CSV, MessagePack)
 * as decode/encode transformers over Uint8Array chunks, and the shared
 * {@link FormatError} every StreamWeave codec raises.
 *
 * @packageDocumentation
 */
export { FormatError, type FormatErrorOptions } from './formatError.js';
