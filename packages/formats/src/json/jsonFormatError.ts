import { FormatError } from '../formatError.js';

/**
 * Raised by the JSON codecs ({@link ndjsonDecode}, {@link jsonStreamDecode},
 * {@link ndjsonEncode}) for malformed JSON, invalid UTF-8, truncated documents,
 * over-long records and schema violations.
 *
 * @example
 * ```ts
 * run.catch((e) => { if (e instanceof JsonFormatError) console.log(e.line, e.byteOffset, e.recordIndex); });
 * ```
 * @see {@link FormatError}
 */
export class JsonFormatError extends FormatError {
  /** Error name, always `'JsonFormatError'`. */
  override readonly name: string = 'JsonFormatError';
}
