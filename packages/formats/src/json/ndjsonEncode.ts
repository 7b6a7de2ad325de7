import type { Transformer } from '@streamweave/core';
import { type CodecOptions, defineCodec } from '../defineCodec.js';
import { JsonFormatError } from './jsonFormatError.js';

/** Options of {@link ndjsonEncode}. */
export type NdjsonEncodeOptions = CodecOptions;

/**
 * Encodes records as NDJSON: one `JSON.stringify`d record per line, each
 * emitted as its own UTF-8 chunk ending in `\n` (so a Kafka or HTTP sink gets one
 * message per record, and a file sink can write chunks as they come).
 *
 * A record JSON cannot represent (undefined, a function, a BigInt, a cycle) is
 * a {@link JsonFormatError} naming its record index, routed per the error strategy.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([{ a: 1 }])).pipe(ndjsonEncode()).to(collect()); // [bytes of '{"a":1}\n']
 * ```
 * @see {@link ndjsonDecode}
 */
export function ndjsonEncode<T = unknown>(options: NdjsonEncodeOptions = {}): Transformer<T, Uint8Array> {
  return defineCodec<T, Uint8Array>('ndjsonEncode', {}, options, 'ndjson', JsonFormatError, (sink) => {
    const encoder = new TextEncoder();
    let index = 0;
    return {
      push(record) {
        const recordIndex = index++;
        let text: string | undefined;
        try {
          text = JSON.stringify(record);
        } catch (e) {
          sink.fail({ message: 'record cannot be encoded as JSON', recordIndex, cause: e }, record);
          return;
        }
        if (text === undefined) {
          sink.fail({ message: `record cannot be encoded as JSON (got ${typeof record})`, recordIndex }, record);
          return;
        }
        sink.emit(encoder.encode(text + '\n'));
      },
      end() {},
    };
  });
}
