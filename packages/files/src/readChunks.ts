/** Streams a file's bytes in chunks, replayable by byte offset, optionally tailing it. */
import { defineProducer, type JsonValue, type NodeOptions, type Producer } from '@streamweave/core';
import { FileCursor } from './internal/fileCursor.js';
import { offsetOf, positiveInt, requirePath } from './internal/options.js';
import { onFileFailure } from './internal/policy.js';
import { waitOrStop } from './internal/wait.js';

/** Options of {@link readChunks}. */
export interface ReadChunksOptions extends NodeOptions {
  /** Bytes per chunk (default 65 536). Only the last chunk (or, in tail mode, the newest bytes) may be shorter. */
  readonly chunkSize?: number;
  /** Start at this byte offset (default 0). */
  readonly fromOffset?: number;
  /** Tail mode: at end of file wait for growth and keep emitting until drained or cancelled (default false). */
  readonly follow?: boolean;
  /** Tail mode: how often to check for growth, in ms on the run's clock (default 250). */
  readonly pollIntervalMs?: number;
}

/**
 * Streams a file as `Uint8Array` chunks of `chunkSize` bytes, reading one chunk per
 * unit of downstream credit. Replayable: `position()` is the byte offset after the
 * last emitted chunk and `seek(offset)` resumes there. With `follow: true` it tails
 * a growing file. Use it for binary formats and for decoders that frame records
 * themselves (see the formats packages).
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(readChunks('image.bin', { chunkSize: 4096 }))
 *   .to(reduceTo((n, c) => n + c.byteLength, 0)).run(); // file size
 * ```
 * @see {@link readLines}, {@link writeChunks}
 */
export function readChunks(path: string, options: ReadChunksOptions = {}): Producer<Uint8Array> {
  requirePath('readChunks', path);
  const chunkSize = positiveInt('readChunks', 'chunkSize', options.chunkSize, 65_536);
  const fromOffset = options.fromOffset === undefined ? 0 : offsetOf('readChunks', 'fromOffset', options.fromOffset);
  const pollIntervalMs = positiveInt('readChunks', 'pollIntervalMs', options.pollIntervalMs, 250);
  const follow = options.follow === true;
  return defineProducer<Uint8Array>('readChunks', { path, chunkSize, fromOffset, follow, pollIntervalMs }, options, (ctx) => {
    const cursor = new FileCursor(path, ctx.component, chunkSize, fromOffset);
    const step = async (emit: (chunk: Uint8Array) => void, demand: number): Promise<boolean> => {
      for (let n = 0; n < demand; n++) {
        const chunk = await cursor.readChunk();
        if (chunk.length === 0) {
          if (!follow) return false;
          if (n > 0) return true;
          const size = await cursor.size();
          if (size < cursor.offset) {
            throw cursor.error(`file shrank to ${size} bytes while being followed (truncated or replaced?)`, cursor.offset);
          }
          await waitOrStop(ctx, pollIntervalMs);
          return true;
        }
        cursor.advance(chunk.length);
        emit(chunk);
        if (ctx.signal.aborted) return true;
      }
      return true;
    };
    return {
      async pull(emit, demand) {
        for (let attempt = 1; ; attempt++) {
          try {
            return await step(emit, demand);
          } catch (e) {
            // Skipping an I/O failure gives up on the file.
            if ((await onFileFailure(ctx, e, attempt)) === 'skip') return false;
          }
        }
      },
      position: (): JsonValue => cursor.offset,
      seek(position) {
        cursor.seek(offsetOf('readChunks', 'position', position));
      },
      close: () => cursor.close(),
    };
  });
}
