import { InvalidArgumentError, type Transformer } from '@streamweave/core';
import { C1, Unpackr } from 'msgpackr';
import { asBytes, type CodecOptions, concatBytes, defineCodec, describeValue } from '../defineCodec.js';
import { MsgpackError } from './msgpackFormatError.js';

/** Options of {@link msgpackDecode}. */
export interface MsgpackDecodeOptions extends CodecOptions {
  /** One value may buffer at most this many bytes while incomplete (bounds memory); default 64 MiB. */
  readonly maxValueBytes?: number;
  /** Decode maps with non-string keys as `Map` instead of objects (default false). */
  readonly mapsAsMaps?: boolean;
}

/**
 * Decodes a stream of concatenated MessagePack values (no framing between them,
 * as written by {@link msgpackEncode} or any MessagePack packer) into one record
 * per value, with msgpackr. A value may span any number of chunks.
 *
 * Corrupt data is a {@link MsgpackError} naming the byte offset of the value and
 * its index; MessagePack has no resynchronisation points, so decoding ends after
 * that one counted error. A value cut off by the end of input is reported the same way.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([pack({ a: 1 }), pack([2])])).pipe(msgpackDecode()).to(collect()); // [{ a: 1 }, [2]]
 * ```
 * @see {@link msgpackEncode}
 */
export function msgpackDecode<T = unknown>(options: MsgpackDecodeOptions = {}): Transformer<Uint8Array, T> {
  const maxValueBytes = options.maxValueBytes ?? 64 * 1024 * 1024;
  if (!(Number.isInteger(maxValueBytes) && maxValueBytes > 0)) {
    throw new InvalidArgumentError(`msgpackDecode: \`maxValueBytes\` must be a positive integer, got ${String(maxValueBytes)}`);
  }
  const mapsAsMaps = options.mapsAsMaps ?? false;
  return defineCodec<Uint8Array, T>('msgpackDecode', { maxValueBytes, mapsAsMaps }, options, 'msgpack', MsgpackError, (sink) => {
    // Plain MessagePack: msgpackr's record extension is off so any producer's data reads the same.
    // 64-bit integers become numbers when safe, BigInt otherwise ('auto' works at runtime but is missing from msgpackr's types).
    const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: !mapsAsMaps, int64AsType: 'auto' as 'bigint' });
    let pending: Uint8Array = new Uint8Array(0);
    /** Stream offset of pending[0]. */
    let base = 0;
    let index = 0;
    let dead = false;
    const fatal = (message: string, byteOffset: number, cause: unknown, item: unknown) => {
      dead = true;
      sink.fail({ message, byteOffset, recordIndex: index, cause }, item);
    };
    return {
      push(chunk) {
        if (dead) return;
        const bytes = asBytes(chunk);
        if (bytes === undefined) {
          sink.fail({ message: `expected a Uint8Array chunk, got ${describeValue(chunk)}`, byteOffset: base + pending.length, recordIndex: index }, chunk);
          return;
        }
        // Copy when keeping the chunk: the upstream may reuse its buffer.
        const buf = pending.length === 0 ? bytes : concatBytes(pending, bytes);
        let consumed = 0;
        try {
          unpackr.unpackMultiple(buf, (value: unknown, _start?: number, end?: number) => {
            if (value === C1) throw new Error('byte 0xc1 is never used in MessagePack');
            consumed = end ?? buf.length;
            index++;
            // msgpackr's `undefined` extension has no meaning in a stream of records: it becomes null.
            sink.emit((value === undefined ? null : value) as T);
          });
        } catch (e) {
          if (!(e as { incomplete?: boolean }).incomplete) {
            fatal(`corrupt MessagePack data: ${(e as Error).message}`, base + consumed, e, undefined);
            return;
          }
        }
        base += consumed;
        pending = buf.slice(consumed);
        if (pending.length > maxValueBytes) fatal(`value longer than maxValueBytes (${maxValueBytes}); decoding stops here`, base, undefined, undefined);
      },
      end() {
        if (!dead && pending.length > 0) fatal('truncated MessagePack value at end of input', base, undefined, undefined);
      },
    };
  });
}
