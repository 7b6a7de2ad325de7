/** A sink writing byte chunks to a file, optionally rotating numbered part files by size and/or time. */
import { type Consumer, defineConsumer, InvalidArgumentError, type NodeOptions } from '@streamweave/core';
import { positiveInt, requirePath } from './internal/options.js';
import { checkRotate, RotatingWriter, type RotateOptions } from './internal/rotatingWriter.js';

/** Options of {@link writeChunks}. */
export interface WriteChunksOptions extends NodeOptions {
  /** Append to an existing file instead of truncating it (default false). */
  readonly append?: boolean;
  /** Rotate into numbered part files by size and/or time (a chunk is never split across parts). */
  readonly rotate?: RotateOptions;
  /** Bytes buffered before the writer waits for the disk (default 65 536). */
  readonly highWaterMark?: number;
}

/** What {@link writeChunks} resolves to. */
export interface WriteChunksSummary {
  /** Files written, in order. */
  readonly files: string[];
  /** Chunks written. */
  readonly chunks: number;
  /** Bytes written. */
  readonly bytes: number;
}

/**
 * Writes every `Uint8Array` item to `path` as is, with the same rotation and
 * backpressure behaviour as {@link writeLines}. Resolves with `{ files, chunks, bytes }`.
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(readChunks('in.bin')).to(writeChunks('copy.bin')).run();
 * result.bytes; // size of in.bin
 * ```
 * @see {@link writeLines}, {@link readChunks}
 */
export function writeChunks(path: string, options: WriteChunksOptions = {}): Consumer<Uint8Array, WriteChunksSummary> {
  requirePath('writeChunks', path);
  const rotate = checkRotate('writeChunks', options.rotate);
  const highWaterMark = positiveInt('writeChunks', 'highWaterMark', options.highWaterMark, 65_536);
  return defineConsumer<Uint8Array, WriteChunksSummary>(
    'writeChunks',
    { path, append: options.append === true, rotate, highWaterMark },
    options,
    (ctx) => {
      const writer = new RotatingWriter(path, rotate, options.append === true, highWaterMark, ctx);
      let chunks = 0;
      return {
        item(value, position) {
          if (!(value instanceof Uint8Array)) {
            throw new InvalidArgumentError(`expected a Uint8Array, got ${value === null ? 'null' : typeof value}`);
          }
          const r = writer.write(value, value.byteLength, position);
          chunks++;
          return r;
        },
        async complete() {
          await writer.finish();
          return { files: [...writer.files], chunks, bytes: writer.bytes };
        },
        teardown: () => writer.abandon(),
      };
    },
  );
}
