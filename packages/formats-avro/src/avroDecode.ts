import type { Transformer } from '@streamweave/core';
import { type CodecOptions, defineCodec } from '@streamweave/formats';
import { AvroError } from './avroError.js';
import { describeValue } from './internal/bytes.js';
import { type AvroBadBlock, type AvroHeader, ContainerParser, type ParserSink } from './internal/containerParser.js';
import type { AvroSchema } from './internal/schemas.js';

/** Options of {@link avroDecode}. */
export interface AvroDecodeOptions extends CodecOptions {
  /**
   * The schema to read records as (schema evolution): fields are matched by
   * name and aliases, defaults fill added fields, removed fields are dropped,
   * types are promoted (int → long → double…). Default: the writer schema from
   * the file header.
   */
  readonly readerSchema?: AvroSchema;
  /** Largest block (compressed or not) accepted; a larger declared size counts as corruption (default 64 MiB). */
  readonly maxBlockBytes?: number;
  /** Called once with the file header (writer schema, codec, metadata) before the first record. */
  readonly onHeader?: (header: AvroHeader) => void;
}

/**
 * Decodes an Avro object container file, arriving as `Uint8Array` chunks cut
 * anywhere, into its records. Blocks written with the `null`, `deflate` or
 * `snappy` codec are decoded as soon as their last byte arrives, so memory stays
 * bounded by one block plus one chunk.
 *
 * Bad input raises an {@link AvroError} naming the source, the byte offset of
 * the block and the record index, routed by the node's error strategy: with
 * skip or dead-letter, a block with bad codec data or an undecodable record is
 * dropped (its records counted in the message, its bytes as the dead letter,
 * an {@link AvroBadBlock}) and a block with a bad sync marker makes the
 * decoder search for the next sync marker, as Avro's own readers do. A bad
 * header or an incompatible reader schema makes the rest of the input
 * unreadable: it is reported once and ignored. Signals pass in order.
 *
 * @example
 * ```ts
 * const { result } = await pipeline()
 *   .from(fromArray([fileBytes]))
 *   .pipe(avroDecode<User>({ source: 'users.avro', readerSchema: userV2 }))
 *   .to(collect())
 *   .run();
 * ```
 * @see {@link avroEncode}, `readAvroFile` in `@streamweave/formats-avro/node`
 */
export function avroDecode<T = unknown>(options: AvroDecodeOptions = {}): Transformer<Uint8Array, T> {
  // Parse the reader schema now, so a bad one fails when the pipeline is built.
  new ContainerParser({ readerSchema: options.readerSchema });
  return defineCodec<Uint8Array, T>(
    'avroDecode',
    { readerSchema: schemaParam(options.readerSchema), maxBlockBytes: options.maxBlockBytes ?? null },
    options,
    'avro',
    AvroError,
    (sink, ctx) => {
      const parser = new ContainerParser({
        source: options.source,
        readerSchema: options.readerSchema,
        maxBlockBytes: options.maxBlockBytes,
        onHeader: options.onHeader,
        component: ctx.component,
      });
      const parserSink: ParserSink = {
        record: (value) => sink.emit(value as T),
        failure: (error, item: AvroBadBlock) => sink.report(error, item),
      };
      return {
        push(chunk, position) {
          parser.position = position;
          if (!(chunk instanceof Uint8Array)) {
            sink.fail({ message: `expected Uint8Array chunks, got ${describeValue(chunk)}`, byteOffset: parser.receivedOffset, recordIndex: parser.recordsRead }, chunk);
            return;
          }
          parser.push(chunk, parserSink);
        },
        end: () => parser.end(parserSink),
      };
    },
  );
}

/** A schema as plain data for the node descriptor. @internal */
export function schemaParam(schema: AvroSchema | undefined): string | null {
  if (schema === undefined) return null;
  return typeof schema === 'string' ? schema : JSON.stringify(schema);
}
