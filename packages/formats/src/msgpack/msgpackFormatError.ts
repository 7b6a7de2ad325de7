import { FormatError } from '../formatError.js';

/**
 * Raised by {@link msgpackDecode} and {@link msgpackEncode}: truncated or
 * corrupt MessagePack data, values too large, values MessagePack cannot encode.
 *
 * @example
 * ```ts
 * run.catch((e) => { if (e instanceof MsgpackError) console.log(e.byteOffset, e.recordIndex); });
 * ```
 * @see {@link FormatError}
 */
export class MsgpackError extends FormatError {
  /** Error name, always `'MsgpackError'`. */
  override readonly name: string = 'MsgpackError';
}
