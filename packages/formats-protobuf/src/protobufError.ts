import { FormatError, type FormatErrorOptions } from '@streamweave/formats';

/** Options of {@link ProtobufError}: a {@link @streamweave/formats#FormatError}'s, without the format (always `protobuf`). */
export type ProtobufErrorOptions = Omit<FormatErrorOptions, 'format'>;

/**
 * Bad Protocol Buffers input or output: a truncated stream, a length prefix
 * that is not a varint or exceeds the limit, a message that does not parse
 * (bad wire type, missing required field), a record the message type rejects.
 * Names the source, the byte offset of the message and its index.
 *
 * @example
 * ```ts
 * try { await run; } catch (e) { if (e instanceof ProtobufError) console.log(e.byteOffset, e.recordIndex); }
 * ```
 * @see {@link @streamweave/formats#FormatError}, {@link protobufDecode}
 */
export class ProtobufError extends FormatError {
  /** Error name, always `'ProtobufError'`. */
  override readonly name: string = 'ProtobufError';
  constructor(message: string, options: ProtobufErrorOptions = {}) {
    super(message, { ...options, format: 'protobuf' });
  }
}
