/** Streams a text file line by line, replayable by byte offset, optionally tailing it. */
import { defineProducer, type JsonValue, type NodeOptions, type Producer } from '@streamweave/core';
import { FileCursor } from './internal/fileCursor.js';
import { LineSplitter } from './internal/lineSplitter.js';
import { lineEncoding, type LineEncoding, offsetOf, positiveInt, requirePath } from './internal/options.js';
import { LineTooLongError, onFileFailure } from './internal/policy.js';
import { waitOrStop } from './internal/wait.js';

/** Options of {@link readLines}. */
export interface ReadLinesOptions extends NodeOptions {
  /** Text encoding: `utf8` (default), `latin1` or `ascii`. */
  readonly encoding?: LineEncoding;
  /** Bytes read per file read (default 65 536). Memory stays near one chunk plus the longest line. */
  readonly highWaterMark?: number;
  /** Start at this byte offset (a value returned by `position()`, i.e. a line start). Default 0. */
  readonly fromOffset?: number;
  /**
   * Tail mode: at end of file wait for the file to grow and keep emitting, like
   * `tail -f`, until the run is drained or cancelled. A last line without newline is
   * held until its newline arrives. Default false.
   */
  readonly follow?: boolean;
  /** Tail mode: how often to check for growth, in ms on the run's clock (default 250). */
  readonly pollIntervalMs?: number;
  /** Longest accepted line in bytes (without its line break). Longer lines fail with a FileError naming file and offset. */
  readonly maxLineLength?: number;
}

/**
 * Streams the lines of a file, never reading it whole: one chunk is read at a time
 * and only against downstream credit. Handles `\n` and `\r\n`, a last line without
 * newline, and UTF-8 characters split across chunk boundaries.
 *
 * Replayable: `position()` is the byte offset after the last emitted line and
 * `seek(offset)` resumes there, so checkpoints restore it exactly; `fromOffset`
 * starts there directly. With `follow: true` it tails a growing file, polling on
 * the run's clock. Failures (missing file, permissions, over-long lines) are
 * {@link FileError}s naming the component, file and byte offset, handled by the
 * node's error strategy.
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(readLines('access.log')).pipe(filter((l) => l.includes(' 500 '))).to(collect()).run();
 * ```
 * @see {@link readChunks}, {@link (readGlob:1)}, {@link writeLines}
 */
export function readLines(path: string, options: ReadLinesOptions = {}): Producer<string> {
  requirePath('readLines', path);
  const encoding = lineEncoding('readLines', options.encoding);
  const chunkSize = positiveInt('readLines', 'highWaterMark', options.highWaterMark, 65_536);
  const fromOffset = options.fromOffset === undefined ? 0 : offsetOf('readLines', 'fromOffset', options.fromOffset);
  const pollIntervalMs = positiveInt('readLines', 'pollIntervalMs', options.pollIntervalMs, 250);
  const maxLineLength = options.maxLineLength === undefined ? Infinity : positiveInt('readLines', 'maxLineLength', options.maxLineLength, 0);
  const follow = options.follow === true;
  return defineProducer<string>(
    'readLines',
    { path, encoding, highWaterMark: chunkSize, fromOffset, follow, pollIntervalMs, maxLineLength },
    options,
    (ctx) => {
      const cursor = new FileCursor(path, ctx.component, chunkSize, fromOffset);
      const splitter = new LineSplitter(cursor, encoding, maxLineLength, follow);
      const step = async (emit: (line: string) => void, demand: number): Promise<boolean> => {
        const { emitted, eof } = await splitter.next(emit, demand);
        if (!eof) return true;
        if (!follow) return false;
        if (emitted > 0) return true;
        // Copy-truncate rotation (or a rewrite) makes the offset meaningless: say so instead of waiting forever.
        const size = await cursor.size();
        if (size < cursor.offset + cursor.readAhead) {
          throw cursor.error(`file shrank to ${size} bytes while being followed (truncated or replaced?)`, cursor.offset);
        }
        await waitOrStop(ctx, pollIntervalMs);
        return true;
      };
      return {
        async pull(emit, demand) {
          for (let attempt = 1; ; attempt++) {
            try {
              return await step(emit, demand);
            } catch (e) {
              const action = await onFileFailure(ctx, e, attempt);
              if (action === 'retry') continue;
              // Skipping an over-long line drops that line; skipping an I/O failure gives up on the file.
              return e instanceof LineTooLongError;
            }
          }
        },
        position: (): JsonValue => cursor.offset,
        seek(position) {
          cursor.seek(offsetOf('readLines', 'position', position));
          splitter.reset();
        },
        close: () => cursor.close(),
      };
    },
  );
}
