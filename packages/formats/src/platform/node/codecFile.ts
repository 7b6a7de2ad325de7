/// <reference types="node" />
/** Files on the local file system read through a decoder, or written through an encoder (Node). */
import { open as openFile, type FileHandle } from 'node:fs/promises';
import {
  type Consumer,
  defineConsumer,
  defineProducer,
  InvalidArgumentError,
  type NodeContext,
  type NodeOptions,
  type Producer,
  type StreamWeaveError,
  type Transformer,
} from '@streamweave/core';
import { type CodecCore, type CodecSink, type CodecSpec, codecSpecOf, formatError, routeCodecFailure } from '../../defineCodec.js';

/** Options of {@link readCodecFile} (and of every `read…File` source). */
export interface ReadFileOptions extends NodeOptions {
  /** Bytes read per file read (default 64 KiB). */
  readonly chunkBytes?: number;
}

/** Options of {@link writeCodecFile} (and of every `write…File` sink). */
export interface WriteFileOptions extends NodeOptions {
  /** Add to the end of an existing file instead of replacing it (default false). */
  readonly append?: boolean;
}

/** What {@link writeCodecFile} (and every `write…File` sink) resolves to. */
export interface WriteFileResult {
  /** Records handed to the encoder. */
  readonly records: number;
  /** Bytes written to the file. */
  readonly bytes: number;
}

/**
 * Reads a file through any decoder built with `defineCodec` (every
 * decoder of the StreamWeave formats packages): the file is read one chunk
 * per pull, only while downstream has credit, so memory holds one chunk and
 * the records decoded from it, whatever the file size.
 *
 * Decode errors are the decoder's own typed errors, naming the file as their
 * source unless the decoder was given another `source`; they are routed by this
 * source's error strategy (skip and dead-letter go on, stop fails the run).
 * The source is not replayable (a decoder's state, such as a CSV header, is not
 * checkpointed). The format packages wrap it as `readNdjsonFile`,
 * `readCsvFile`, `readArrowFile`…
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(readCodecFile('events.ndjson', ndjsonDecode())).to(collect()).run();
 * ```
 * @see {@link writeCodecFile}
 */
export function readCodecFile<T>(path: string, decoder: Transformer<Uint8Array, T>, options: ReadFileOptions = {}): Producer<T> {
  return codecFileSource<T>('readCodecFile', path, decoder, options);
}

/** {@link readCodecFile} under another node type name. @internal */
export function codecFileSource<T>(type: string, path: string, decoder: Transformer<Uint8Array, T>, options: ReadFileOptions): Producer<T> {
  requirePath(type, path);
  const spec = requireSpec(type, 'decoder', decoder);
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  if (!(Number.isInteger(chunkBytes) && chunkBytes > 0)) throw new InvalidArgumentError(`${type}: \`chunkBytes\` must be a positive integer, got ${String(chunkBytes)}`);
  return defineProducer<T>(type, { path, chunkBytes, codec: spec.type, ...spec.params }, options, (ctx) => {
    let handle: FileHandle | undefined;
    let fileOffset = 0;
    let eof = false;
    let stopError: StreamWeaveError | undefined;
    let chunkIndex = 0;
    let queue: T[] = [];
    let head = 0;
    const core = runCore<T>(spec, ctx, path, () => chunkIndex, (v) => queue.push(v), (e) => (stopError = e));
    const readChunk = async (): Promise<void> => {
      handle ??= await openFile(path, 'r');
      const buf = new Uint8Array(chunkBytes);
      const { bytesRead } = await handle.read(buf, 0, chunkBytes, fileOffset);
      if (bytesRead === 0) {
        eof = true;
        core.end();
        return;
      }
      fileOffset += bytesRead;
      core.push(buf.subarray(0, bytesRead));
      chunkIndex++;
    };
    return {
      async pull(emit, demand) {
        while (head === queue.length && !eof && stopError === undefined) {
          queue = [];
          head = 0;
          await readChunk();
        }
        // The strategy said stop: fail every pull from now on.
        if (stopError !== undefined) throw stopError;
        const n = Math.min(demand, queue.length - head);
        for (let i = 0; i < n; i++) emit(queue[head++]!);
        return head < queue.length || !eof;
      },
      async close() {
        await handle?.close();
        handle = undefined;
      },
    };
  });
}

/**
 * Writes records to a file through any encoder built with `defineCodec`
 * (`ndjsonEncode`, `csvEncode`, `arrowEncode`…): the file is created (or
 * truncated, or appended to with `append`) and the encoder's byte chunks are
 * written in order, one write at a time, holding the pipeline's credit while a
 * write is pending (backpressure). When a checkpoint barrier or watermark
 * passes, encoders that batch (Arrow, Parquet) close their batch and the bytes
 * are written before the signal is acknowledged, so the file holds every record
 * before it. A record the encoder rejects is its typed error, routed by this
 * sink's error strategy; the file is synced and closed at the end. Resolves to
 * the records and bytes written.
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(rows)).to(writeCodecFile('rows.csv', csvEncode())).run(); // { records, bytes }
 * ```
 * @see {@link readCodecFile}
 */
export function writeCodecFile<T>(path: string, encoder: Transformer<T, Uint8Array>, options: WriteFileOptions = {}): Consumer<T, WriteFileResult> {
  return codecFileSink<T>('writeCodecFile', path, encoder, options);
}

/** {@link writeCodecFile} under another node type name. @internal */
export function codecFileSink<T>(type: string, path: string, encoder: Transformer<T, Uint8Array>, options: WriteFileOptions): Consumer<T, WriteFileResult> {
  requirePath(type, path);
  const spec = requireSpec(type, 'encoder', encoder);
  const append = options.append === true;
  return defineConsumer<T, WriteFileResult>(type, { path, append, codec: spec.type, ...spec.params }, options, (ctx) => {
    let handle: FileHandle | undefined;
    let bytes = 0;
    let records = 0;
    let position = 0;
    let stopError: StreamWeaveError | undefined;
    let pending: Uint8Array[] = [];
    const core = runCore<Uint8Array>(spec, ctx, path, () => position, (chunk) => pending.push(chunk), (e) => (stopError = e));
    const write = async (): Promise<void> => {
      handle ??= await openFile(path, append ? 'a' : 'w');
      while (pending.length > 0) {
        const chunks = pending;
        pending = [];
        for (const c of chunks) {
          if (c.length === 0) continue;
          await handle.write(c);
          bytes += c.length;
        }
      }
    };
    const after = (): Promise<void> | undefined => {
      if (stopError !== undefined) throw stopError;
      return pending.length > 0 ? write() : undefined;
    };
    return {
      item(record, pos) {
        position = pos;
        records++;
        core.push(record);
        return after();
      },
      signal(s) {
        core.flush(s);
        return after();
      },
      async complete() {
        core.end();
        if (stopError !== undefined) throw stopError;
        await write();
        await handle!.sync();
        await handle!.close();
        handle = undefined;
        return { records, bytes };
      },
      teardown() {
        void handle?.close().catch(() => undefined);
        handle = undefined;
      },
    };
  });
}

/** A codec core fed directly, with failures routed by the node's strategy. */
interface DirectCore {
  push(input: unknown): void;
  end(): void;
  flush(signal: Parameters<NonNullable<CodecCore<unknown>['flush']>>[0]): void;
}

function runCore<O>(spec: CodecSpec, ctx: NodeContext, path: string, position: () => number, emit: (value: O) => void, stop: (error: StreamWeaveError) => void): DirectCore {
  const source = spec.source ?? path;
  let stopped = false;
  let broken = false;
  const sink: CodecSink<O> = {
    emit(value) {
      if (!stopped) emit(value);
    },
    fail(details, item) {
      return sink.report(formatError(spec.ErrorClass, spec.format, source, details, ctx, position()), item);
    },
    report(error, item) {
      if (stopped) return false;
      const stopWith = routeCodecFailure(ctx, error, item, position());
      if (stopWith === undefined) return true;
      stopped = true;
      stop(stopWith);
      return false;
    },
  };
  const core = spec.create(sink as CodecSink<unknown>, ctx);
  const guarded = (fn: () => void, item: unknown) => {
    if (stopped || broken) return;
    try {
      fn();
    } catch (e) {
      // A core that threw cannot be trusted to resynchronise: one counted failure, then the rest is ignored.
      broken = true;
      sink.fail({ message: e instanceof Error ? e.message : 'codec failed', cause: e }, item);
    }
  };
  return {
    push: (input) => guarded(() => core.push(input, position()), input),
    end: () => guarded(() => core.end(), undefined),
    flush: (signal) => {
      if (core.flush) guarded(() => core.flush!(signal), undefined);
    },
  };
}

function requirePath(type: string, path: string): void {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError(`${type}: \`path\` must be a non-empty string`);
}

function requireSpec(type: string, role: string, codec: unknown): CodecSpec {
  const spec = codec !== null && typeof codec === 'object' ? codecSpecOf(codec) : undefined;
  if (spec === undefined) throw new InvalidArgumentError(`${type}: the ${role} must be a codec transformer built with defineCodec (such as ndjsonDecode() or csvEncode())`);
  return spec;
}
