/** A sink writing items as lines, optionally rotating numbered part files by size and/or time. */
import { type Consumer, defineConsumer, InvalidArgumentError, type NodeOptions } from '@streamweave/core';
import { requirePath, positiveInt } from './internal/options.js';
import { checkRotate, RotatingWriter, type RotateOptions } from './internal/rotatingWriter.js';

/** Options of {@link writeLines}. */
export interface WriteLinesOptions<T> extends NodeOptions {
  /** Turns an item into its line (without line break). Default: strings as they are, anything else as JSON. */
  readonly format?: (item: T) => string;
  /** Line break written after each line (default `\n`). */
  readonly newline?: string;
  /** Text encoding (default utf8). */
  readonly encoding?: BufferEncoding;
  /** Append to an existing file instead of truncating it (default false). */
  readonly append?: boolean;
  /** Rotate into numbered part files (`out-00000.log`, `out-00001.log`…) by size and/or time. */
  readonly rotate?: RotateOptions;
  /** Bytes buffered before the writer waits for the disk (default 65 536). */
  readonly highWaterMark?: number;
}

/** What {@link writeLines} resolves to. */
export interface WriteLinesSummary {
  /** Files written, in order (one without rotation; the part files with it). */
  readonly files: string[];
  /** Lines written. */
  readonly lines: number;
  /** Bytes written, line breaks included. */
  readonly bytes: number;
}

/**
 * Writes every item as one line. Without `rotate` it writes exactly `path`; with
 * `rotate: { maxBytes }` a new numbered part starts before a line would take the
 * current one past `maxBytes` (a longer line gets a part to itself); with
 * `rotate: { intervalMs }` the current part is closed every interval on the run's
 * clock and the next line opens a new one (no empty parts). Resolves with
 * `{ files, lines, bytes }`. When the disk is slower than the stream, it waits for
 * the file stream to drain while holding backpressure credit, so memory stays bounded.
 *
 * Failures (missing directory, permissions, full disk) are {@link FileError}s
 * naming the component, the file and the byte offset.
 *
 * Not transactional: for exactly-once output build on {@link AtomicFileWriter}.
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(readLines('in.log')).pipe(map((l) => l.toUpperCase()))
 *   .to(writeLines('out/upper.log', { rotate: { maxBytes: 64 * 1024 * 1024 } })).run();
 * result.files; // ['out/upper-00000.log', 'out/upper-00001.log', …]
 * ```
 * @see {@link writeChunks}, {@link readLines}, {@link AtomicFileWriter}
 */
export function writeLines<T = string>(path: string, options: WriteLinesOptions<T> = {}): Consumer<T, WriteLinesSummary> {
  requirePath('writeLines', path);
  if (options.format !== undefined && typeof options.format !== 'function') {
    throw new InvalidArgumentError(`writeLines: \`format\` must be a function, got ${typeof options.format}`);
  }
  const newline = options.newline ?? '\n';
  if (typeof newline !== 'string') throw new InvalidArgumentError('writeLines: `newline` must be a string');
  const encoding = options.encoding ?? 'utf8';
  if (!Buffer.isEncoding(encoding)) throw new InvalidArgumentError(`writeLines: unknown encoding ${String(encoding)}`);
  const rotate = checkRotate('writeLines', options.rotate);
  const highWaterMark = positiveInt('writeLines', 'highWaterMark', options.highWaterMark, 65_536);
  const format = options.format ?? defaultFormat;
  return defineConsumer<T, WriteLinesSummary>(
    'writeLines',
    { path, newline, encoding, append: options.append === true, rotate, highWaterMark, format: options.format },
    options,
    (ctx) => {
      const writer = new RotatingWriter(path, rotate, options.append === true, highWaterMark, ctx);
      let lines = 0;
      return {
        item(value, position) {
          const line = format(value as T);
          if (typeof line !== 'string') {
            throw new InvalidArgumentError(`format returned ${typeof line} instead of a string`);
          }
          const data = Buffer.from(line + newline, encoding);
          const r = writer.write(data, data.length, position);
          lines++;
          return r;
        },
        async complete() {
          await writer.finish();
          return { files: [...writer.files], lines, bytes: writer.bytes };
        },
        teardown: () => writer.abandon(),
      };
    },
  );
}

function defaultFormat(item: unknown): string {
  return typeof item === 'string' ? item : JSON.stringify(item);
}
