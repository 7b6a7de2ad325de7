/** Reads every file matching a glob, one after another in sorted order, replayable by {file, offset}. */
import { defineProducer, InvalidArgumentError, type JsonValue, type NodeOptions, type Producer } from '@streamweave/core';
import { FileCursor } from './internal/fileCursor.js';
import { globFiles, globToRegExp } from './internal/glob.js';
import { LineSplitter } from './internal/lineSplitter.js';
import { lineEncoding, type LineEncoding, offsetOf, positiveInt } from './internal/options.js';
import { FileError } from './fileError.js';
import { LineTooLongError, onFileFailure } from './internal/policy.js';

/** Options of {@link (readGlob:1)}. */
export interface ReadGlobOptions extends NodeOptions {
  /** Emit lines (default) or byte chunks. */
  readonly as?: 'lines' | 'chunks';
  /** Directory a relative pattern is resolved against (default: the process's working directory). */
  readonly cwd?: string;
  /** Match names starting with a dot too (default false: hidden files and atomic-write temp files are skipped). */
  readonly dot?: boolean;
  /** Lines mode: text encoding (default utf8). */
  readonly encoding?: LineEncoding;
  /** Lines mode: longest accepted line in bytes. */
  readonly maxLineLength?: number;
  /** Bytes per read (lines mode) or per emitted chunk (chunks mode); default 65 536. */
  readonly chunkSize?: number;
}

/** Position of a {@link (readGlob:1)} source: the current file and the byte offset in it. */
export interface GlobPosition {
  /** Absolute path of the file being read. */
  readonly file: string;
  /** Byte offset in that file after the last emitted line or chunk. */
  readonly offset: number;
}

/**
 * Reads the lines (or, with `as: 'chunks'`, the byte chunks) of every file that
 * matches `pattern`, file after file in sorted path order. The pattern supports
 * `*`, `?`, `[abc]`, `{a,b}` and `**`; files are listed once, when the run starts.
 *
 * Replayable: `position()` is `{ file, offset }` (absolute path, byte offset after
 * the last emitted line or chunk). On restore, a file that disappeared since the
 * checkpoint is passed over: reading continues with the next file in sorted order.
 *
 * @example
 * ```ts
 * await pipeline().from(readGlob('logs/**\/*.log')).pipe(map(parseLine)).to(collect()).run();
 * ```
 * @see {@link readLines}, {@link readChunks}
 */
export function readGlob(pattern: string, options?: ReadGlobOptions & { readonly as?: 'lines' }): Producer<string>;
/** Reads the byte chunks (`as: 'chunks'`) of every file that matches `pattern`, file after file in sorted path order. */
export function readGlob(pattern: string, options: ReadGlobOptions & { readonly as: 'chunks' }): Producer<Uint8Array>;
export function readGlob(pattern: string, options: ReadGlobOptions = {}): Producer<string> | Producer<Uint8Array> {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new InvalidArgumentError(`readGlob: \`pattern\` must be a non-empty string, got ${pattern === '' ? 'an empty string' : typeof pattern}`);
  }
  try {
    globToRegExp(pattern);
  } catch (e) {
    throw new InvalidArgumentError(`readGlob: ${(e as Error).message}`);
  }
  const as = options.as ?? 'lines';
  if (as !== 'lines' && as !== 'chunks') throw new InvalidArgumentError(`readGlob: \`as\` must be 'lines' or 'chunks', got ${String(as)}`);
  const encoding = lineEncoding('readGlob', options.encoding);
  const chunkSize = positiveInt('readGlob', 'chunkSize', options.chunkSize, 65_536);
  const maxLineLength = options.maxLineLength === undefined ? Infinity : positiveInt('readGlob', 'maxLineLength', options.maxLineLength, 0);
  const cwd = options.cwd ?? process.cwd();
  const dot = options.dot === true;
  // One reader serves both modes; the overloads give each mode its precise item type.
  return defineProducer<string | Uint8Array>('readGlob', { pattern, as, cwd, dot, encoding, chunkSize, maxLineLength }, options, (ctx) => {
    let files: string[] | undefined;
    let index = 0;
    let cursor: FileCursor | undefined;
    let splitter: LineSplitter | undefined;
    let restore: GlobPosition | undefined;
    let finished: GlobPosition | undefined;

    const list = async (): Promise<string[]> => {
      if (files) return files;
      try {
        files = await globFiles(pattern, cwd, dot);
      } catch (e) {
        throw new FileError(`cannot list files matching "${pattern}"`, { component: ctx.component, path: cwd, offset: 0, cause: e });
      }
      if (restore) {
        const target = restore.file;
        index = files.findIndex((f) => f >= target);
        if (index < 0) index = files.length;
        else if (files[index] === target) openAt(target, restore.offset);
        restore = undefined;
      }
      return files;
    };
    const openAt = (file: string, offset: number) => {
      cursor = new FileCursor(file, ctx.component, chunkSize, offset);
      splitter = as === 'lines' ? new LineSplitter(cursor, encoding, maxLineLength, false) : undefined;
    };
    const nextFile = async () => {
      finished = { file: cursor!.path, offset: cursor!.offset };
      await cursor?.close();
      cursor = undefined;
      index++;
    };

    const step = async (emit: (item: string | Uint8Array) => void, demand: number): Promise<boolean> => {
      const all = await list();
      let emitted = 0;
      while (emitted < demand) {
        if (!cursor) {
          if (index >= all.length) return false;
          openAt(all[index]!, 0);
        }
        if (splitter) {
          const r = await splitter.next(emit, demand - emitted);
          emitted += r.emitted;
          if (r.eof) await nextFile();
        } else {
          const chunk = await cursor!.readChunk();
          if (chunk.length === 0) await nextFile();
          else {
            cursor!.advance(chunk.length);
            emit(chunk);
            emitted++;
          }
        }
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
            const action = await onFileFailure(ctx, e, attempt);
            if (action === 'retry' || e instanceof LineTooLongError) continue;
            // Skipping an I/O failure gives up on that file and moves on to the next one.
            if (cursor) await nextFile();
            else if (files) index++;
            else return false;
          }
        }
      },
      position(): JsonValue {
        if (cursor) return { file: cursor.path, offset: cursor.offset };
        if (restore) return { ...restore };
        // Between files: the end of the finished one; restoring there moves on to the next file.
        return finished ? { ...finished } : { file: '', offset: 0 };
      },
      async seek(position) {
        const p = position as Partial<GlobPosition> | null;
        if (typeof p !== 'object' || p === null || typeof p.file !== 'string') {
          throw new InvalidArgumentError(`readGlob: a position must be {file, offset}, got ${JSON.stringify(position)}`);
        }
        restore = { file: p.file, offset: offsetOf('readGlob', 'position.offset', p.offset) };
        const open = cursor;
        files = undefined;
        cursor = undefined;
        finished = undefined;
        await open?.close();
        index = 0;
      },
      close: () => cursor?.close(),
    };
  }) as Producer<string> | Producer<Uint8Array>;
}
