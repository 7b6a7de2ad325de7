import { InvalidArgumentError, type NodeOptions, type Producer } from '@streamweave/core';
import { readLines } from '@streamweave/files';

/** Options of {@link lineFileSource}. */
export interface LineFileSourceOptions extends NodeOptions {
  /** Bytes read per system call (default 64 KiB). */
  readonly chunkBytes?: number;
}

/**
 * A replayable source of the lines of a UTF-8 text file: `@streamweave/files`'
 * `readLines` under this node type. Its position is the byte offset after the last
 * emitted line, so a restored run seeks straight there and neither skips nor repeats
 * a line. A last line without a newline is emitted too; `\r\n` ends a line like `\n`.
 * Use `readLines` directly for its other options (tail mode, encodings, line limits).
 *
 * @example
 * ```ts
 * await coordinator.run(pipeline().from(lineFileSource('./in.txt', { name: 'in' })).to(sink));
 * ```
 * @see {@link exactlyOnceFileSink}
 */
export function lineFileSource(path: string, options: LineFileSourceOptions = {}): Producer<string> {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError('lineFileSource: `path` must be a non-empty file path');
  const { chunkBytes, ...nodeOptions } = options;
  const reader = readLines(path, chunkBytes === undefined ? nodeOptions : { ...nodeOptions, highWaterMark: chunkBytes });
  // Keeps its own node type, so unnamed sources keep their default node id (`lineFileSource`)
  // and the positions that checkpoints recorded under it.
  return { ...reader, descriptor: { ...reader.descriptor, type: 'lineFileSource' } };
}
