import { FormatError } from '@streamweave/formats';

/**
 * Raised by the Arrow codecs: truncated or corrupt IPC messages, a missing
 * schema, bad magic bytes, rows that do not fit the schema.
 *
 * @example
 * ```ts
 * run.catch((e) => { if (e instanceof ArrowFormatError) console.log(e.byteOffset, e.recordIndex); });
 * ```
 * @see {@link @streamweave/formats#FormatError}
 */
export class ArrowFormatError extends FormatError {
  /** Error name, always `'ArrowFormatError'`. */
  override readonly name: string = 'ArrowFormatError';
}
