import { InvalidArgumentError, type Transformer } from '@streamweave/core';
import { type CodecOptions, defineCodec } from '@streamweave/formats';
import { delimit } from './internal/varint.js';
import { type MessageCodec, requireCodec } from './messageCodec.js';
import { ProtobufError } from './protobufError.js';

/** Options of {@link protobufEncode}. */
export interface ProtobufEncodeOptions extends CodecOptions {
  /**
   * How records are given. `message` (default): message instances or plain
   * objects with field values as protobufjs holds them (numbers or Long for
   * 64-bit integers, enum numbers, Uint8Array for bytes), checked with the
   * codec's `verify`. `json`: plain objects in the JSON mapping (64-bit integers
   * as strings, enum names, base64 bytes), converted with the codec's
   * `fromObject`, which coerces loosely rather than rejecting wrong types.
   */
  readonly input?: 'message' | 'json';
  /** Check records with the codec's `verify` in `message` mode (default true). */
  readonly verify?: boolean;
}

/** Serializes one record with `codec`. Throws an Error naming the problem. @internal */
export function encodeMessage(codec: MessageCodec, record: unknown, input: 'message' | 'json', verify: boolean): Uint8Array {
  if (input === 'json') {
    if (record === null || typeof record !== 'object') throw new Error(`expected an object, got ${record === null ? 'null' : typeof record}`);
    return codec.encode(codec.fromObject!(record as Record<string, unknown>)).finish();
  }
  if (verify && codec.verify) {
    const problem = codec.verify(record);
    if (problem) throw new Error(problem);
  }
  return codec.encode(record).finish();
}

/** Validates the `input` option. @internal */
export function inputMode(component: string, codec: MessageCodec, input: unknown): 'message' | 'json' {
  const mode = input ?? 'message';
  if (mode !== 'message' && mode !== 'json') throw new InvalidArgumentError(`${component}: \`input\` must be 'message' or 'json', got ${JSON.stringify(input)}`);
  if (mode === 'json' && typeof codec.fromObject !== 'function') throw new InvalidArgumentError(`${component}: \`input: 'json'\` needs a codec with fromObject(object)`);
  return mode;
}

/**
 * Encodes records as a length-delimited Protocol Buffers stream: one
 * `Uint8Array` chunk per message, its length as a varint, then its body.
 * Records are message instances or plain objects (checked with the codec's
 * `verify`), or objects in the JSON mapping with `input: 'json'`. A record the type rejects
 * raises a {@link ProtobufError} with its index, routed by the error strategy.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray(users)).pipe(protobufEncode(User)).to(writeFileSink('users.bin'));
 * ```
 * @see {@link protobufDecode}, `writeProtobufFile` in `@streamweave/formats-protobuf/node`
 */
export function protobufEncode<T = unknown>(codec: MessageCodec, options: ProtobufEncodeOptions = {}): Transformer<T, Uint8Array> {
  requireCodec('protobufEncode', codec);
  const verify = options.verify ?? true;
  const input = inputMode('protobufEncode', codec, options.input);
  return defineCodec<T, Uint8Array>('protobufEncode', { input, verify }, options, 'protobuf', ProtobufError, (sink) => {
    let bytesOut = 0;
    return {
      push(record, position) {
        let bytes: Uint8Array;
        try {
          bytes = delimit(encodeMessage(codec, record, input, verify));
        } catch (e) {
          sink.fail({ message: 'record is not a valid message of the type', byteOffset: bytesOut, recordIndex: position, cause: e }, record);
          return;
        }
        bytesOut += bytes.length;
        sink.emit(bytes);
      },
      end() {},
    };
  });
}
