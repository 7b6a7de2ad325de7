/**
 * The error shape shared by every StreamWeave codec (json, csv, msgpack, arrow,
 * parquet, avro, protobuf): one base class so a caller can catch "any bad input"
 * with one `instanceof`, and each format adds its own subclass.
 */
import { StreamWeaveError, type StreamWeaveErrorOptions } from '@streamweave/core';

/** Options of {@link FormatError}. */
export interface FormatErrorOptions extends StreamWeaveErrorOptions {
  /** The format that failed, such as `csv` or `parquet`. */
  readonly format: string;
  /** Where the bytes came from: a file path, topic or URL given by the caller in the codec's options. */
  readonly source?: string;
  /** Zero-based byte offset of the failure within the source's byte stream. */
  readonly byteOffset?: number;
  /** One-based line number, for text formats. */
  readonly line?: number;
  /** Zero-based index of the record that failed (or that was being read when bytes ran out). */
  readonly recordIndex?: number;
}

/**
 * Base class of every decode/encode failure raised by a StreamWeave format:
 * truncated input, corrupt blocks, invalid UTF-8, malformed rows, schema
 * mismatches. It names the format, the source, the byte offset and/or line and
 * the record index, in its fields and in its message.
 *
 * Use it to catch bad input from any codec; formats subclass it (`CsvError`,
 * `JsonFormatError`, …) so callers can also tell them apart. Codec packages
 * outside `@streamweave/formats` (avro, protobuf, arrow, parquet) import it from
 * here.
 *
 * @example
 * ```ts
 * try { await run; } catch (e) {
 *   if (e instanceof FormatError) console.log(e.format, e.source, e.byteOffset, e.recordIndex);
 * }
 * ```
 * @see {@link @streamweave/core#StreamWeaveError}
 */
export class FormatError extends StreamWeaveError {
  /** Error name: `'FormatError'`, or the format's subclass name (such as `'CsvError'`). */
  override readonly name: string = 'FormatError';
  /** The format that failed, such as `csv`. */
  readonly format: string;
  /** The source (file, topic, URL) given in the codec options, when any. */
  readonly source: string | undefined;
  /** Zero-based byte offset of the failure, when known. */
  readonly byteOffset: number | undefined;
  /** One-based line number (text formats), when known. */
  readonly line: number | undefined;
  /** Zero-based index of the failing record, when known. */
  readonly recordIndex: number | undefined;

  constructor(message: string, options: FormatErrorOptions) {
    super(`${options.format}${describeLocation(options)}: ${message}`, options);
    this.format = options.format;
    this.source = options.source;
    this.byteOffset = options.byteOffset;
    this.line = options.line;
    this.recordIndex = options.recordIndex;
  }
}

function describeLocation(o: FormatErrorOptions): string {
  const parts: string[] = [];
  if (o.source !== undefined) parts.push(`source ${JSON.stringify(o.source)}`);
  if (o.line !== undefined) parts.push(`line ${o.line}`);
  if (o.byteOffset !== undefined) parts.push(`byte ${o.byteOffset}`);
  if (o.recordIndex !== undefined) parts.push(`record #${o.recordIndex}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
