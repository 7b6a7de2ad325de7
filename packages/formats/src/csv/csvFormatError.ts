import { FormatError } from '../formatError.js';

/**
 * Raised by {@link csvDecode} and {@link csvEncode}: unterminated quotes, stray
 * characters after a closing quote, wrong field counts, values that do not fit
 * their typed column, invalid UTF-8, over-long records.
 *
 * @example
 * ```ts
 * run.catch((e) => { if (e instanceof CsvError) console.log(e.source, e.line, e.recordIndex); });
 * ```
 * @see {@link FormatError}
 */
export class CsvError extends FormatError {
  /** Error name, always `'CsvError'`. */
  override readonly name: string = 'CsvError';
}
