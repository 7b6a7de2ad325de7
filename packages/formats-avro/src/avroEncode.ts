import { InvalidArgumentError, type Transformer } from '@streamweave/core';
import { type CodecOptions, defineCodec } from '@streamweave/formats';
import { AvroError } from './avroError.js';
import { schemaParam } from './avroDecode.js';
import { type AvroCodec, isSupportedCodec } from './internal/codecs.js';
import { syncSize } from './internal/containerParser.js';
import { BlockBuilder, encodeHeader, randomSyncMarker } from './internal/containerWriter.js';
import { type AvroSchema, toAvroType } from './internal/schemas.js';

/** Options of {@link avroEncode}. */
export interface AvroEncodeOptions extends CodecOptions {
  /** The writer schema every record must match; it is stored in the file header. */
  readonly schema: AvroSchema;
  /** Block codec (default `null`): `deflate` for size, `snappy` for speed. */
  readonly codec?: AvroCodec;
  /** Close a block once its serialized records reach this many bytes (default 64 000, Avro's sync interval). */
  readonly blockBytes?: number;
  /** The 16-byte sync marker (default: random, as Avro writers do; fix it for reproducible files). */
  readonly syncMarker?: Uint8Array;
  /** Extra header metadata (user keys; `avro.*` keys are reserved). */
  readonly metadata?: Readonly<Record<string, string | Uint8Array>>;
}

/**
 * Encodes records into an Avro object container file, emitted as `Uint8Array`
 * chunks: the header, then one chunk per block. Concatenated, the chunks are a
 * complete file that any Avro implementation reads.
 *
 * A block is closed when it reaches `blockBytes`, before any signal passes (so
 * the bytes emitted before a checkpoint barrier are a readable file prefix) and
 * at the end. A record that does not match the schema raises an
 * {@link AvroError} with its record index, routed by the error strategy (skip
 * leaves it out of the file, dead-letter routes the record).
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(users))
 *   .pipe(avroEncode({ schema: userSchema, codec: 'deflate' }))
 *   .to(writeFileSink('users.avro'))
 *   .run();
 * ```
 * @see {@link avroDecode}, `writeAvroFile` in `@streamweave/formats-avro/node`
 */
export function avroEncode<T = unknown>(options: AvroEncodeOptions): Transformer<T, Uint8Array> {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('avroEncode: options with a `schema` are required');
  const type = toAvroType('avroEncode', 'schema', options.schema);
  const codec = options.codec ?? 'null';
  if (!isSupportedCodec(codec)) throw new InvalidArgumentError(`avroEncode: unsupported codec ${JSON.stringify(codec)} (use null, deflate or snappy)`);
  const blockBytes = options.blockBytes ?? 64_000;
  if (!(Number.isInteger(blockBytes) && blockBytes > 0)) throw new InvalidArgumentError(`avroEncode: \`blockBytes\` must be a positive integer, got ${String(blockBytes)}`);
  if (options.syncMarker !== undefined && !(options.syncMarker instanceof Uint8Array && options.syncMarker.length === syncSize)) {
    throw new InvalidArgumentError(`avroEncode: \`syncMarker\` must be a Uint8Array of ${syncSize} bytes`);
  }
  return defineCodec<T, Uint8Array>('avroEncode', { schema: schemaParam(type), codec, blockBytes }, options, 'avro', AvroError, (sink) => {
    const sync = options.syncMarker ?? randomSyncMarker();
    const block = new BlockBuilder(type, codec, sync);
    let headerSent = false;
    let bytesOut = 0;
    const emit = (bytes: Uint8Array) => {
      bytesOut += bytes.length;
      sink.emit(bytes);
    };
    const start = () => {
      if (headerSent) return;
      headerSent = true;
      emit(encodeHeader(type, codec, sync, options.metadata));
    };
    const flush = () => {
      start();
      if (block.count > 0) emit(block.flush());
    };
    return {
      push(record, position) {
        start();
        try {
          block.add(record);
        } catch (e) {
          sink.fail({ message: 'record does not match the writer schema', byteOffset: bytesOut, recordIndex: position, cause: e }, record);
          return;
        }
        if (block.size >= blockBytes) flush();
      },
      flush,
      end: flush,
    };
  });
}
