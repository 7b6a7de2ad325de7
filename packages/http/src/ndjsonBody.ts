import { type NodeOptions, type Transformer, defineTransformer, isEndOfStream, InvalidArgumentError } from '@streamweave/core';
import { HttpError } from './httpError.js';

/** Options of {@link ndjsonBody}. */
export interface NdjsonBodyOptions extends NodeOptions {
  /** Longest accepted line in bytes (default 1 MiB); a longer one fails with a 413 naming the line. */
  readonly maxLineBytes?: number;
}

/**
 * Splits a byte stream into NDJSON lines and parses each one, keeping only the
 * current partial line in memory. A line that is not JSON fails with an
 * {@link HttpError} 400 naming the line number and its byte offset; blank lines
 * are ignored.
 *
 * When to use: the default request-body decoder of {@link pipelineHandler}; a
 * minimal stand-in until `@streamweave/formats` ships its NDJSON decoder (pass
 * that one as `decode` instead to get its options).
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([new TextEncoder().encode('{"a":1}\n{"a":2}\n')])).pipe(ndjsonBody()).to(collect());
 * // [{ a: 1 }, { a: 2 }]
 * ```
 * @see {@link pipelineHandler}, {@link bytesBody}
 */
export function ndjsonBody<T = unknown>(options: NdjsonBodyOptions = {}): Transformer<Uint8Array, T> {
  const maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
  if (!(maxLineBytes > 0)) throw new InvalidArgumentError(`ndjsonBody: \`maxLineBytes\` must be > 0, got ${String(maxLineBytes)}`);
  return defineTransformer<Uint8Array, T>('ndjsonBody', { maxLineBytes }, options, (out, ctx) => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let line = 0; // 1-based number of the line being assembled, after increment
    let lineStart = 0; // byte offset of the line being assembled
    let offset = 0; // bytes seen so far
    let failed = false;

    const fail = (cause: HttpError, text: string): boolean => {
      // fail() counts the error (and the skip, under a skip strategy).
      const d = ctx.fail(cause, text, line - 1, 1);
      if (d.action === 'stop') {
        failed = true;
        out.error(d.error);
        return false;
      }
      return true;
    };
    const emitLine = (bytes: Uint8Array): boolean => {
      line++;
      let text: string;
      try {
        text = decoder.decode(bytes);
      } catch {
        return fail(new HttpError(400, `invalid UTF-8 in NDJSON line ${line} (byte ${lineStart})`), '');
      }
      if (text.trim() === '') return true;
      let value: T;
      try {
        value = JSON.parse(text) as T;
      } catch (e) {
        const snippet = text.length > 60 ? `${text.slice(0, 60)}…` : text;
        return fail(
          new HttpError(400, `malformed NDJSON at line ${line} (byte ${lineStart}): ${(e as Error).message}; line starts ${JSON.stringify(snippet)}`),
          text,
        );
      }
      ctx.stats.out++;
      out.next(value);
      return true;
    };
    const take = (): Uint8Array => {
      const joined = pending.length === 1 ? pending[0]! : concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      return joined;
    };
    return {
      item(chunk) {
        if (failed) return;
        if (!(chunk instanceof Uint8Array)) {
          fail(new HttpError(400, `ndjsonBody expects Uint8Array chunks, got ${typeof chunk}`), '');
          return;
        }
        let start = 0;
        for (;;) {
          const nl = chunk.indexOf(10, start);
          if (nl < 0) break;
          pending.push(chunk.subarray(start, nl));
          pendingBytes += nl - start;
          const lineBytes = take();
          const ok = emitLine(lineBytes);
          lineStart = offset + nl + 1;
          if (!ok) return;
          start = nl + 1;
        }
        if (start < chunk.length) {
          pending.push(chunk.subarray(start));
          pendingBytes += chunk.length - start;
          if (pendingBytes > maxLineBytes) {
            line++;
            fail(new HttpError(413, `NDJSON line ${line} (byte ${lineStart}) is longer than ${maxLineBytes} bytes`), '');
            failed = true;
            return;
          }
        }
        offset += chunk.length;
      },
      signal(s) {
        if (isEndOfStream(s) && !failed && pendingBytes > 0 && !emitLine(take())) return;
        out.next(s);
      },
    };
  });
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const joined = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return joined;
}
