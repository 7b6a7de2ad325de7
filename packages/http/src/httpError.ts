/** The error type that carries an HTTP status from the pipeline to the response. */
import { StreamWeaveError, type StreamWeaveErrorOptions } from '@streamweave/core';
import { FormatError } from '@streamweave/formats';

/**
 * An error with an HTTP status. Body decoders, size limits and guards raise it;
 * the request handlers turn it into a response with that status and its message
 * (400 for a malformed body, 413 for an oversized one, 401 for a missing token).
 *
 * When to use: in your own decoders or transformers, to answer a request with a
 * specific status instead of a 500.
 *
 * @example
 * ```ts
 * throw new HttpError(422, 'field "age" must be a number (line 3)');
 * ```
 * @see {@link findHttpError}
 */
export class HttpError extends StreamWeaveError {
  /** Error name, always `'HttpError'`. */
  override readonly name = 'HttpError';

  /** @param status - HTTP status code to answer with. */
  constructor(
    /** HTTP status code the response answers with. */
    readonly status: number,
    message: string,
    options?: StreamWeaveErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Finds an {@link HttpError} in an error's `cause` chain (the runtime wraps
 * node failures in a StreamWeaveError naming the node).
 *
 * @example
 * ```ts
 * const status = findHttpError(runError)?.status ?? 500;
 * ```
 * @see {@link HttpError}
 */
export function findHttpError(error: unknown): HttpError | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 8 && e !== undefined && e !== null; depth++) {
    if (e instanceof HttpError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The HTTP answer to a failed run: an {@link HttpError}'s own status, 400 for a
 * malformed body (a `FormatError` from a `@streamweave/formats` decoder, whose
 * message names the line and byte), 500 otherwise. The message is the
 * innermost meaningful one, so clients see "ndjson (line 2, byte 8): malformed
 * JSON…" rather than the runtime's wrapper.
 *
 * @example
 * ```ts
 * const { status, message } = httpStatusOf(runError);
 * ```
 * @see {@link findHttpError}
 */
export function httpStatusOf(error: unknown): { status: number; message: string } {
  const http = findHttpError(error);
  if (http) return { status: http.status, message: http.message };
  let e: unknown = error;
  for (let depth = 0; depth < 8 && e !== undefined && e !== null; depth++) {
    if (e instanceof FormatError) return { status: 400, message: e.message };
    e = (e as { cause?: unknown }).cause;
  }
  return { status: 500, message: error instanceof Error ? error.message : String(error) };
}
