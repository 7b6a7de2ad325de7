/** Avro container files on the local file system, as a replayable source and as a sink. */
import {
  defineConsumer,
  defineProducer,
  InvalidArgumentError,
  type Consumer,
  type JsonValue,
  type NodeOptions,
  type Producer,
} from '@streamweave/core';
import { type ChunkedFileReader, chunkedFileReader, serialFileWriter } from '@streamweave/formats/node';
import { AvroError } from '../avroError.js';
import { schemaParam } from '../avroDecode.js';
import { type AvroCodec, isSupportedCodec } from '../internal/codecs.js';
import { type AvroHeader, ContainerParser, type ParserSink, syncSize } from '../internal/containerParser.js';
import { BlockBuilder, encodeHeader, randomSyncMarker } from '../internal/containerWriter.js';
import { type AvroSchema, toAvroType } from '../internal/schemas.js';

/** Options of {@link readAvroFile}. */
export interface ReadAvroFileOptions extends NodeOptions {
  /** Schema to read records as (schema evolution); default: the file's writer schema. */
  readonly readerSchema?: AvroSchema;
  /** Bytes read per file read (default 64 KiB). */
  readonly chunkBytes?: number;
  /** Largest block accepted (default 64 MiB). */
  readonly maxBlockBytes?: number;
  /** Called with the file header before the first record. */
  readonly onHeader?: (header: AvroHeader) => void;
}

/** A position of {@link readAvroFile}: the block to read next and how many of its records were already emitted. */
interface FilePosition {
  readonly block: number;
  readonly skip: number;
  readonly record: number;
}

interface Queued {
  readonly value: unknown;
  readonly block: number;
  readonly index: number;
  readonly record: number;
}

/**
 * Reads the records of an Avro object container file (null, deflate or snappy
 * blocks), one chunk at a time so memory stays bounded by a block plus a
 * chunk. The source is replayable: its position is the byte offset of the
 * current block plus the records of it already emitted, so a run restored from
 * a checkpoint continues exactly after the last record it had emitted.
 *
 * Corrupt blocks and truncated files raise an `AvroError` naming the file,
 * byte offset and record index, routed by the source's error strategy (skip and
 * dead-letter go on with the next block; the dead letter is an
 * `AvroBadBlock`).
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(readAvroFile<User>('users.avro')).to(collect()).run();
 * ```
 * @see {@link writeAvroFile}, `avroDecode`
 */
export function readAvroFile<T = unknown>(path: string, options: ReadAvroFileOptions = {}): Producer<T> {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('readAvroFile: `path` must be a non-empty string');
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  if (!(Number.isInteger(chunkBytes) && chunkBytes > 0)) throw new InvalidArgumentError(`readAvroFile: \`chunkBytes\` must be a positive integer, got ${String(chunkBytes)}`);
  // Validates the reader schema now.
  new ContainerParser({ readerSchema: options.readerSchema });
  return defineProducer<T>('readAvroFile', { path, readerSchema: schemaParam(options.readerSchema), chunkBytes }, options, (ctx) => {
    let skip = 0;
    const newParser = (headerOnly = false) =>
      new ContainerParser({
        headerOnly,
        source: path,
        readerSchema: options.readerSchema,
        maxBlockBytes: options.maxBlockBytes,
        onHeader: options.onHeader,
        component: ctx.component,
      });
    let parser = newParser();
    const sink: ParserSink = {
      record(value, recordIndex) {
        if (skip > 0) {
          skip--;
          return;
        }
        reader.queue.push({ value, block: parser.blockOffset, index: parser.indexInBlock, record: recordIndex });
      },
      failure: (error, item) => reader.fail(error, item),
    };
    const reader: ChunkedFileReader<Queued> = chunkedFileReader(path, chunkBytes, ctx, () => ({
      push: (bytes) => parser.push(bytes, sink),
      end: () => parser.end(sink),
      stopped: parser.stopped,
    }));
    return {
      pull: (emit, demand) => reader.pull((q) => emit(q.value as T), demand),
      close: () => reader.close(),
      position(): JsonValue {
        const head = reader.queue[0];
        const p: FilePosition = head
          ? { block: head.block, skip: head.index, record: head.record }
          : { block: parser.consumedOffset, skip: 0, record: parser.recordsRead };
        return { ...p };
      },
      async seek(position: JsonValue) {
        const p = position as unknown as FilePosition;
        if (!p || typeof p !== 'object' || !Number.isInteger(p.block) || !Number.isInteger(p.skip) || !Number.isInteger(p.record)) {
          throw new InvalidArgumentError(`readAvroFile: cannot seek to ${JSON.stringify(position)}`);
        }
        reader.seek(0);
        skip = p.skip;
        if (p.block === 0) {
          // Checkpointed before the header was read: start from the beginning.
          parser = newParser();
          return;
        }
        // Read the header again (schema, codec, sync marker) without the blocks, then continue at the recorded block.
        parser = newParser(true);
        await reader.readUntil(() => parser.headerRead);
        if (!parser.headerRead) throw new AvroError('cannot seek: the file header is unreadable', { source: path, byteOffset: 0 });
        parser.resumeAt(p.block, p.record);
        reader.seek(p.block);
      },
    };
  });
}

/** Options of {@link writeAvroFile}. */
export interface WriteAvroFileOptions extends NodeOptions {
  /** Writer schema. */
  readonly schema: AvroSchema;
  /** Block codec (default `null`). */
  readonly codec?: AvroCodec;
  /** Close a block at this many serialized bytes (default 64 000). */
  readonly blockBytes?: number;
  /** 16-byte sync marker (default random). */
  readonly syncMarker?: Uint8Array;
  /** Extra header metadata. */
  readonly metadata?: Readonly<Record<string, string | Uint8Array>>;
}

/** What {@link writeAvroFile} resolves to. */
export interface WriteAvroFileResult {
  /** Records written. */
  readonly records: number;
  /** Bytes written. */
  readonly bytes: number;
}

/**
 * Writes records to an Avro object container file (created or truncated),
 * block by block; when a signal (checkpoint barrier, watermark) arrives the
 * open block is written, so the file holds every record before it. A record that
 * does not match the schema raises an `AvroError` routed by the sink's
 * error strategy.
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(users)).to(writeAvroFile('users.avro', { schema: userSchema, codec: 'snappy' })).run();
 * ```
 * @see {@link readAvroFile}, `avroEncode`
 */
export function writeAvroFile<T = unknown>(path: string, options: WriteAvroFileOptions): Consumer<T, WriteAvroFileResult> {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('writeAvroFile: `path` must be a non-empty string');
  if (!options || options.schema === undefined) throw new InvalidArgumentError('writeAvroFile: `schema` is required');
  const type = toAvroType('writeAvroFile', 'schema', options.schema);
  const codec = options.codec ?? 'null';
  if (!isSupportedCodec(codec)) throw new InvalidArgumentError(`writeAvroFile: unsupported codec ${JSON.stringify(codec)} (use null, deflate or snappy)`);
  const blockBytes = options.blockBytes ?? 64_000;
  if (options.syncMarker !== undefined && !(options.syncMarker instanceof Uint8Array && options.syncMarker.length === syncSize)) {
    throw new InvalidArgumentError(`writeAvroFile: \`syncMarker\` must be a Uint8Array of ${syncSize} bytes`);
  }
  return defineConsumer<T, WriteAvroFileResult>('writeAvroFile', { path, schema: schemaParam(type), codec, blockBytes }, options, (ctx) => {
    const sync = options.syncMarker ?? randomSyncMarker();
    const block = new BlockBuilder(type, codec, sync);
    const file = serialFileWriter(path, { header: () => encodeHeader(type, codec, sync, options.metadata) });
    let records = 0;
    const flush = () => file.write([block.flush()]);
    return {
      item(record, position) {
        try {
          block.add(record);
        } catch (e) {
          throw new AvroError('record does not match the writer schema', { source: path, recordIndex: position, position, component: ctx.component, cause: e });
        }
        records++;
        if (block.size >= blockBytes) return flush();
        return undefined;
      },
      signal() {
        // Write the open block when a barrier or watermark passes, so the file holds every record before it.
        // A write failure surfaces at completion, when the chain is awaited.
        if (block.count > 0) flush().catch(() => undefined);
      },
      async complete() {
        await flush();
        await file.finish();
        return { records, bytes: file.bytes };
      },
      teardown: () => file.teardown(),
    };
  });
}
