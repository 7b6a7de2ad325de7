import { FormatError, type FormatErrorOptions } from '@streamweave/formats';

/** Options of {@link AvroError}: a {@link @streamweave/formats#FormatError}'s, without the format (always `avro`). */
export type AvroErrorOptions = Omit<FormatErrorOptions, 'format'>;

/**
 * Bad Avro input or output: a truncated container file, a corrupt block (bad
 * sync marker, undecodable codec data), a record that does not match its
 * schema, an unknown fingerprint or schema id. Names the source, the byte
 * offset and the record index, like every {@link @streamweave/formats#FormatError}.
 *
 * @example
 * ```ts
 * try { await run; } catch (e) { if (e instanceof AvroError) console.log(e.byteOffset, e.recordIndex); }
 * ```
 * @see {@link @streamweave/formats#FormatError}, {@link avroDecode}
 */
export class AvroError extends FormatError {
  /** Error name, always `'AvroError'`. */
  override readonly name: string = 'AvroError';
  constructor(message: string, options: AvroErrorOptions = {}) {
    super(message, { ...options, format: 'avro' });
  }
}
