/// <reference types="node" />
/** The reading half of a replayable file source over an incremental parser (Node). */
import { open as openFile, type FileHandle } from 'node:fs/promises';
import type { NodeContext, StreamWeaveError } from '@streamweave/core';
import { routeCodecFailure } from '../../defineCodec.js';

/** The incremental parser a {@link ChunkedFileReader} feeds: bytes in, records into the reader's queue. */
export interface ChunkParser {
  /** Takes the next bytes of the file, in order. */
  push(bytes: Uint8Array): void;
  /** The file ended: report a truncated last record, if any. */
  end(): void;
  /** True once a failure stopped the parser (the rest of the file is ignored). */
  readonly stopped: boolean;
}

/**
 * Reads a file one chunk at a time, at a byte offset, into an incremental parser whose
 * records wait in `queue` until the source emits them. Made by {@link chunkedFileReader}.
 */
export interface ChunkedFileReader<Q> {
  /** Records parsed and not emitted yet, oldest first; the parser appends, `pull` takes from the front. */
  readonly queue: Q[];
  /** True once the last read found the end of the file. */
  readonly eof: boolean;
  /**
   * Routes a parse failure (about `item`) through the source's error strategy; call it from the
   * parser's failure callback. Returns true when parsing goes on (skip, dead letter), false when
   * the strategy stopped the source: every later `pull` then rejects with the strategy's error.
   */
  fail(error: StreamWeaveError, item: unknown): boolean;
  /** Reads chunks until `done()` holds, the file ended or the parser stopped. */
  readUntil(done: () => boolean): Promise<void>;
  /**
   * The `pull` of the source: reads until a record is queued (or the end), then emits up to
   * `demand` records through `emit`. Resolves whether more may follow.
   */
  pull(emit: (record: Q) => void, demand: number): Promise<boolean>;
  /** Drops the queued records: the next read starts at byte `offset` (for `seek`). */
  seek(offset: number): void;
  /** Closes the file (it is opened again by the next read). */
  close(): Promise<void>;
}

/**
 * The reading half of a replayable file source for a record-framed format (Avro container
 * blocks, length-delimited Protocol Buffers): the file is read one chunk per read, only while
 * downstream asks for records, from a byte offset the source can seek to, so memory holds a
 * chunk plus what the parser buffers. The format keeps what is its own: the parser, what a
 * position is and how to resume at one.
 *
 * @param path - the file
 * @param chunkBytes - bytes per read
 * @param ctx - the source's node context (its error strategy and counters)
 * @param parser - the parser to feed, asked for at every read (a source may replace its parser on seek)
 * @returns the reader; its `fail` is what the parser's failure callback calls
 * @example
 * ```ts
 * defineProducer<T>('readFramedFile', { path }, options, (ctx) => {
 *   const reader: ChunkedFileReader<T> = chunkedFileReader(path, 64 * 1024, ctx, () => ({
 *     push: (bytes) => parser.push(bytes, { record: (r) => reader.queue.push(r), failure: (e, item) => reader.fail(e, item) }),
 *     end: () => parser.end(sink),
 *     stopped: parser.stopped,
 *   }));
 *   return { pull: (emit, demand) => reader.pull(emit, demand), close: () => reader.close() };
 * });
 * ```
 * @see readCodecFile
 */
export function chunkedFileReader<Q>(path: string, chunkBytes: number, ctx: NodeContext, parser: () => ChunkParser): ChunkedFileReader<Q> {
  let handle: FileHandle | undefined;
  let fileOffset = 0;
  let eof = false;
  let stopError: StreamWeaveError | undefined;
  const queue: Q[] = [];
  const readChunk = async (): Promise<void> => {
    handle ??= await openFile(path, 'r');
    const buf = new Uint8Array(chunkBytes);
    const { bytesRead } = await handle.read(buf, 0, chunkBytes, fileOffset);
    if (bytesRead === 0) {
      eof = true;
      parser().end();
      return;
    }
    fileOffset += bytesRead;
    parser().push(buf.subarray(0, bytesRead));
  };
  const readUntil = async (done: () => boolean): Promise<void> => {
    while (!done() && !eof && !parser().stopped) await readChunk();
  };
  return {
    queue,
    get eof() {
      return eof;
    },
    fail(error, item) {
      const stopWith = routeCodecFailure(ctx, error, item, ctx.stats.out);
      if (stopWith === undefined) return true;
      stopError = stopWith;
      return false;
    },
    readUntil,
    async pull(emit, demand) {
      await readUntil(() => queue.length > 0);
      if (stopError) {
        // The strategy said stop: fail every pull from now on, so a source-level retry by the runtime
        // cannot turn the failure into a quiet end of input.
        queue.length = 0;
        throw stopError;
      }
      const n = Math.min(demand, queue.length);
      for (let i = 0; i < n; i++) emit(queue.shift()!);
      return queue.length > 0 || (!eof && !parser().stopped);
    },
    seek(offset) {
      queue.length = 0;
      fileOffset = offset;
      eof = false;
    },
    async close() {
      await handle?.close();
      handle = undefined;
    },
  };
}
