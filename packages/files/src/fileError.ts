/** The error every file component raises: names the component, the file and the byte offset. */
import { type ComponentRef, StreamWeaveError } from '@streamweave/core';

/** Options of {@link FileError}. */
export interface FileErrorOptions {
  /** The component that failed. */
  readonly component?: ComponentRef;
  /** The file involved. */
  readonly path: string;
  /** Byte offset in the file where the failure happened. */
  readonly offset: number;
  /** Item position within the component, when an item was involved. */
  readonly position?: number;
  /** The underlying error (an `ENOENT`/`EACCES`… system error, usually). */
  readonly cause?: unknown;
}

/**
 * A failure reading or writing a file. Its message and fields name the component,
 * the file path and the byte offset, plus the system error code (`ENOENT`,
 * `EACCES`…) when there is one. Sources and sinks of this package raise it through
 * the node's error strategy (stop, skip, retry, dead-letter).
 *
 * @example
 * ```ts
 * try { await pipeline().from(readLines('/missing.log')).to(collect()).run(); }
 * catch (e) { if (e instanceof FileError) console.log(e.path, e.offset, e.code); } // '/missing.log' 0 'ENOENT'
 * ```
 * @see {@link readLines}, {@link writeLines}
 */
export class FileError extends StreamWeaveError {
  /** Error name, always `'FileError'`. */
  override readonly name = 'FileError';
  /** The file involved. */
  readonly path: string;
  /** Byte offset in the file. */
  readonly offset: number;
  /** System error code of the cause (`ENOENT`, `EACCES`, `EISDIR`…), when known. */
  readonly code: string | undefined;

  constructor(message: string, options: FileErrorOptions) {
    super(`${message} (file ${options.path}, byte offset ${options.offset})`, {
      ...(options.component ? { component: options.component } : {}),
      ...(options.position === undefined ? {} : { position: options.position }),
      ...(options.cause === undefined ? {} : { cause: asError(options.cause) }),
    });
    this.path = options.path;
    this.offset = options.offset;
    const code = (options.cause as { code?: unknown } | undefined)?.code;
    this.code = typeof code === 'string' ? code : undefined;
  }
}

/** System errors from another realm (vm contexts, test sandboxes) fail `instanceof Error`; keep their message readable. */
function asError(cause: unknown): unknown {
  if (cause instanceof Error || typeof cause !== 'object' || cause === null) return cause;
  const message = (cause as { message?: unknown }).message;
  return typeof message === 'string' ? Object.assign(new Error(message), cause) : cause;
}
