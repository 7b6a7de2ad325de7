import type { Transformer } from '@streamweave/core';
import { Packr } from 'msgpackr';
import { type CodecOptions, defineCodec } from '../defineCodec.js';
import { MsgpackError } from './msgpackFormatError.js';

/** Options of {@link msgpackEncode}. */
export type MsgpackEncodeOptions = CodecOptions;

/**
 * Encodes each record as one MessagePack value (one chunk per record) with
 * msgpackr, in plain MessagePack (msgpackr's record extension off) so any
 * MessagePack reader can decode the concatenated stream.
 *
 * A value msgpackr cannot encode is a {@link MsgpackError} with its record
 * index, routed per the error strategy.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([{ a: 1 }])).pipe(msgpackEncode()).to(collect()); // [Uint8Array [0x81, 0xa1, 0x61, 0x01]]
 * ```
 * @see {@link msgpackDecode}
 */
export function msgpackEncode<T = unknown>(options: MsgpackEncodeOptions = {}): Transformer<T, Uint8Array> {
  return defineCodec<T, Uint8Array>('msgpackEncode', {}, options, 'msgpack', MsgpackError, (sink) => {
    const packr = new Packr({ useRecords: false, variableMapSize: true });
    let index = 0;
    return {
      push(record) {
        const recordIndex = index++;
        let bytes: Uint8Array;
        try {
          bytes = packr.pack(record);
        } catch (e) {
          sink.fail({ message: `record cannot be encoded as MessagePack: ${(e as Error).message}`, recordIndex, cause: e }, record);
          return;
        }
        sink.emit(bytes);
      },
      end() {},
    };
  });
}
