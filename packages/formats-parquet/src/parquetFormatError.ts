import { FormatError } from '@streamweave/formats';

/**
 * Raised by the Parquet codecs: a truncated file or missing footer, corrupt
 * metadata or pages, a row group that cannot be decoded, rows that do not fit
 * the schema when writing.
 *
 * @example
 * ```ts
 * run.catch((e) => { if (e instanceof ParquetFormatError) console.log(e.source, e.byteOffset, e.recordIndex); });
 * ```
 * @see {@link @streamweave/formats#FormatError}
 */
export class ParquetFormatError extends FormatError {
  /** Error name, always `'ParquetFormatError'`. */
  override readonly name: string = 'ParquetFormatError';
}
