/** Length-delimited Protocol Buffers files on the local file system, as a replayable source and as a sink. */
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
import { DelimitedParser, type DelimitedSink } from '../internal/delimitedParser.js';
import { delimit } from '../internal/varint.js';
import { type MessageCodec, requireCodec } from '../messageCodec.js';
import { encodeMessage, inputMode } from '../protobufEncode.js';
import { ProtobufError } from '../protobufError.js';

/** Options of {@link readProtobufFile}. */
export interface ReadProtobufFileOptions extends NodeOptions {
  /** Bytes per file read (default 64 KiB). */
  readonly chunkBytes?: number;
  /** Largest message accepted (default 64 MiB). */
  readonly maxMessageBytes?: number;
  /** Emit plain objects through the codec's `toObject` with these options (`true` for its defaults). */
  readonly toObject?: boolean | Readonly<Record<string, unknown>>;
}

interface Queued {
  readonly value: unknown;
  readonly offset: number;
  readonly index: number;
}

/**
 * Reads the messages of a length-delimited Protocol Buffers file, one chunk at a
 * time. Replayable: its position is the byte offset of the next message, so a
 * run restored from a checkpoint continues right after the last message it had
 * emitted. Bad messages raise a `ProtobufError` (file, offset, index) routed
 * by the source's error strategy.
 *
 * @example
 * ```ts
 * const User = await loadProtoType('user.proto', 'app.User');
 * await pipeline().from(readProtobufFile('users.bin', User, { toObject: true })).to(collect()).run();
 * ```
 * @see {@link writeProtobufFile}, `protobufDecode`
 */
export function readProtobufFile<T = unknown>(path: string, codec: MessageCodec, options: ReadProtobufFileOptions = {}): Producer<T> {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('readProtobufFile: `path` must be a non-empty string');
  requireCodec('readProtobufFile', codec);
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  if (!(Number.isInteger(chunkBytes) && chunkBytes > 0)) throw new InvalidArgumentError(`readProtobufFile: \`chunkBytes\` must be a positive integer, got ${String(chunkBytes)}`);
  const toObject = options.toObject;
  if (toObject !== undefined && toObject !== false && typeof codec.toObject !== 'function') {
    throw new InvalidArgumentError('readProtobufFile: `toObject` needs a codec with toObject(message, options)');
  }
  const convert =
    toObject === undefined || toObject === false ? (m: unknown) => m : (m: unknown) => codec.toObject!(m, toObject === true ? undefined : (toObject as Record<string, unknown>));
  return defineProducer<T>('readProtobufFile', { path, chunkBytes }, options, (ctx) => {
    const parser = new DelimitedParser(codec, { source: path, maxMessageBytes: options.maxMessageBytes, component: ctx.component });
    const sink: DelimitedSink = {
      message(value, index, offset) {
        reader.queue.push({ value, offset, index });
      },
      failure: (error, item) => reader.fail(error, item),
    };
    const reader: ChunkedFileReader<Queued> = chunkedFileReader(path, chunkBytes, ctx, () => ({
      push: (bytes) => parser.push(bytes, sink),
      end: () => parser.end(sink),
      stopped: parser.stopped,
    }));
    return {
      pull: (emit, demand) => reader.pull((q) => emit(convert(q.value) as T), demand),
      close: () => reader.close(),
      position(): JsonValue {
        const head = reader.queue[0];
        return head ? { offset: head.offset, index: head.index } : { offset: parser.consumedOffset, index: parser.messagesRead };
      },
      seek(position: JsonValue) {
        const p = position as { offset?: unknown; index?: unknown } | null;
        if (!p || typeof p !== 'object' || !Number.isInteger(p.offset) || !Number.isInteger(p.index)) {
          throw new InvalidArgumentError(`readProtobufFile: cannot seek to ${JSON.stringify(position)}`);
        }
        reader.seek(p.offset as number);
        parser.resumeAt(p.offset as number, p.index as number);
      },
    };
  });
}

/** Options of {@link writeProtobufFile}. */
export interface WriteProtobufFileOptions extends NodeOptions {
  /** How records are given: `message` (default) or `json`, as in `protobufEncode`. */
  readonly input?: 'message' | 'json';
  /** Check records with the codec's `verify` in `message` mode (default true). */
  readonly verify?: boolean;
}

/** What {@link writeProtobufFile} resolves to. */
export interface WriteProtobufFileResult {
  /** Messages written. */
  readonly messages: number;
  /** Bytes written. */
  readonly bytes: number;
}

/** Buffered bytes before a write to the file. */
const flushBytes = 64 * 1024;

/**
 * Writes records as a length-delimited Protocol Buffers file (created or
 * truncated). Bytes are buffered up to 64 KiB and written when a signal
 * (checkpoint barrier, watermark) passes and at the end. A record the type
 * rejects raises a `ProtobufError` routed by the sink's error strategy.
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(users)).to(writeProtobufFile('users.bin', User)).run();
 * ```
 * @see {@link readProtobufFile}, `protobufEncode`
 */
export function writeProtobufFile<T = unknown>(path: string, codec: MessageCodec, options: WriteProtobufFileOptions = {}): Consumer<T, WriteProtobufFileResult> {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('writeProtobufFile: `path` must be a non-empty string');
  requireCodec('writeProtobufFile', codec);
  const verify = options.verify ?? true;
  const input = inputMode('writeProtobufFile', codec, options.input);
  return defineConsumer<T, WriteProtobufFileResult>('writeProtobufFile', { path, input, verify }, options, (ctx) => {
    const file = serialFileWriter(path);
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let bytes = 0;
    let messages = 0;
    const flush = () => {
      const parts = pending;
      pending = [];
      pendingBytes = 0;
      return file.write(parts);
    };
    return {
      item(record, position) {
        let data: Uint8Array;
        try {
          data = delimit(encodeMessage(codec, record, input, verify));
        } catch (e) {
          throw new ProtobufError('record is not a valid message of the type', { source: path, byteOffset: bytes, recordIndex: position, position, component: ctx.component, cause: e });
        }
        pending.push(data);
        pendingBytes += data.length;
        bytes += data.length;
        messages++;
        return pendingBytes >= flushBytes ? flush() : undefined;
      },
      signal() {
        if (pending.length > 0) flush().catch(() => undefined);
      },
      async complete() {
        await flush();
        await file.finish();
        return { messages, bytes };
      },
      teardown: () => file.teardown(),
    };
  });
}
