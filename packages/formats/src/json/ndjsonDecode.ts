import { InvalidArgumentError, type Transformer } from '@streamweave/core';
import { asBytes, type CodecOptions, type CodecSink, concatBytes, defineCodec, describeValue } from '../defineCodec.js';
import { isStandardSchema, type StandardSchemaV1, validateSync } from '../internal/schema.js';
import { JsonFormatError } from './jsonFormatError.js';

/** Options of {@link ndjsonDecode}. */
export interface NdjsonDecodeOptions<T = unknown> extends CodecOptions {
  /**
   * Validates (and may transform) each record; a record that fails is reported
   * as a {@link JsonFormatError} through the error strategy. Any Standard Schema
   * works: zod 4, valibot, arktype. Validation must be synchronous.
   */
  readonly schema?: StandardSchemaV1<unknown, T>;
  /** A partial line may buffer at most this many bytes while waiting for its newline; beyond, it is reported and skipped (bounds memory). Default 64 MiB. */
  readonly maxLineBytes?: number;
}

const newline = 0x0a;

/**
 * Decodes NDJSON / JSON Lines bytes into one record per line. Chunk boundaries
 * may fall anywhere (inside a line or a UTF-8 sequence); blank lines and CRLF
 * endings are accepted, a leading UTF-8 BOM is dropped, the last line needs no
 * newline.
 *
 * A malformed line, invalid UTF-8 or a schema violation is a
 * {@link JsonFormatError} naming the source, line, byte offset and record
 * index; under Skip or dead-letter the decoder goes on with the next line (the
 * dead letter's item is the line's text, or the parsed value for a schema error).
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([new TextEncoder().encode('{"a":1}\n{"a":2}\n')]))
 *   .pipe(ndjsonDecode<{ a: number }>()).to(collect()); // [{ a: 1 }, { a: 2 }]
 * ```
 * @see {@link ndjsonEncode}
 * @see {@link jsonStreamDecode} for one big JSON document
 */
export function ndjsonDecode<T = unknown>(options: NdjsonDecodeOptions<T> = {}): Transformer<Uint8Array, T> {
  const schema = options.schema;
  if (schema !== undefined && !isStandardSchema(schema)) {
    throw new InvalidArgumentError('ndjsonDecode: `schema` must be a Standard Schema (for example a zod 4 schema)');
  }
  const maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024;
  if (!(Number.isInteger(maxLineBytes) && maxLineBytes > 0)) {
    throw new InvalidArgumentError(`ndjsonDecode: \`maxLineBytes\` must be a positive integer, got ${String(maxLineBytes)}`);
  }
  return defineCodec<Uint8Array, T>('ndjsonDecode', { maxLineBytes }, options, 'ndjson', JsonFormatError, (sink) =>
    new NdjsonDecoder<T>(sink, schema, maxLineBytes),
  );
}

// Shared by every decoder: `decode` without `{ stream: true }` keeps no state between calls,
// and a zero-length array has nothing to mutate. Saves three allocations per run (one per request
// of an HTTP endpoint).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const empty = new Uint8Array(0);

class NdjsonDecoder<T> {
  private readonly decoder = utf8;
  /** Bytes after the last newline seen. */
  private pending: Uint8Array = empty;
  /** Stream offset of `pending[0]`. */
  private offset = 0;
  /** 1-based number of the line that starts at `pending[0]`. */
  private line = 1;
  private records = 0;
  private started = false;
  private overlong = false;

  constructor(
    private readonly sink: CodecSink<T>,
    private readonly schema: StandardSchemaV1<unknown, T> | undefined,
    private readonly maxLineBytes: number,
  ) {}

  push(chunk: unknown): void {
    let bytes = asBytes(chunk);
    if (bytes === undefined) {
      this.sink.fail({ message: `expected a Uint8Array chunk, got ${describeValue(chunk)}`, byteOffset: this.offset + this.pending.length, line: this.line, recordIndex: this.records }, chunk);
      return;
    }
    if (!this.started && bytes.length > 0) bytes = this.dropBom(bytes);
    if (bytes.length === 0) return;
    const last = bytes.lastIndexOf(newline);
    if (last < 0) {
      this.appendPartial(bytes);
      return;
    }
    if (!this.overlong && this.pending.length > 0 && this.pending.length + bytes.indexOf(newline) > this.maxLineBytes) this.reportOverlong();
    const complete = concatBytes(this.pending, bytes.subarray(0, last + 1));
    const startOffset = this.offset;
    const skipFirst = this.overlong;
    this.overlong = false;
    this.pending = last + 1 === bytes.length ? empty : bytes.slice(last + 1);
    this.offset = startOffset + complete.length;
    this.lines(complete, startOffset, skipFirst);
    if (this.pending.length > this.maxLineBytes) this.reportOverlong();
  }

  end(): void {
    if (this.pending.length === 0 || this.overlong) return;
    const rest = this.pending;
    this.pending = empty;
    const startOffset = this.offset;
    this.offset += rest.length;
    this.lines(concatBytes(rest, Uint8Array.of(newline)), startOffset, false);
  }

  private dropBom(bytes: Uint8Array): Uint8Array {
    const joined = concatBytes(this.pending, bytes);
    if (joined.length < 3 && joined.every((b, i) => b === [0xef, 0xbb, 0xbf][i])) {
      this.pending = joined.slice();
      return empty;
    }
    this.started = true;
    this.pending = empty;
    if (joined[0] === 0xef && joined[1] === 0xbb && joined[2] === 0xbf) {
      this.offset += 3;
      return joined.subarray(3);
    }
    return joined;
  }

  private appendPartial(bytes: Uint8Array): void {
    if (this.overlong) {
      this.offset += bytes.length;
      return;
    }
    this.pending = concatBytes(this.pending, bytes.slice());
    if (this.pending.length > this.maxLineBytes) this.reportOverlong();
  }

  /** Reports the line being accumulated as too long and discards it up to its newline. */
  private reportOverlong(): void {
    const index = this.records++;
    this.overlong = true;
    this.sink.fail(
      { message: `line longer than maxLineBytes (${this.maxLineBytes})`, byteOffset: this.offset, line: this.line, recordIndex: index },
      undefined,
    );
    this.offset += this.pending.length;
    this.pending = empty;
  }

  /** Decodes complete lines (`buf` ends with a newline); `skipFirst` drops the tail of an over-long line. */
  private lines(buf: Uint8Array, startOffset: number, skipFirst: boolean): void {
    let text: string | undefined;
    try {
      text = this.decoder.decode(buf);
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      // Fast path: the whole block is valid UTF-8; byte offsets are recomputed only on failure.
      const parts = text.split('\n');
      const count = parts.length - 1;
      for (let i = 0; i < count; i++) {
        const lineNo = this.line++;
        if (i === 0 && skipFirst) continue;
        this.record(parts[i]!, lineNo, buf, startOffset, i, -1);
      }
      return;
    }
    // Slow path: find the line(s) with invalid UTF-8 and report each.
    let start = 0;
    for (let i = 0; start < buf.length; i++) {
      const end = buf.indexOf(newline, start);
      const lineNo = this.line++;
      const lineStart = start;
      start = end + 1;
      if (i === 0 && skipFirst) continue;
      let lineText: string;
      try {
        lineText = this.decoder.decode(buf.subarray(lineStart, end));
      } catch (e) {
        const index = this.records++;
        if (!this.sink.fail({ message: 'invalid UTF-8', byteOffset: startOffset + lineStart, line: lineNo, recordIndex: index, cause: e }, buf.slice(lineStart, end))) return;
        continue;
      }
      this.record(lineText, lineNo, buf, startOffset, i, lineStart);
    }
  }

  /**
   * Parses one line. Its byte offset (`startOffset` plus `lineStart`, or plus the start of line
   * `lineIndex` of `buf` when `lineStart` is -1) is computed only for an error: no closure per line.
   */
  private record(raw: string, lineNo: number, buf: Uint8Array, startOffset: number, lineIndex: number, lineStart: number): void {
    const textLine = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (textLine.trim() === '') return;
    const index = this.records++;
    let value: unknown;
    try {
      value = JSON.parse(textLine);
    } catch (e) {
      this.sink.fail({ message: 'malformed JSON', byteOffset: startOffset + lineOffset(buf, lineIndex, lineStart), line: lineNo, recordIndex: index, cause: e }, textLine);
      return;
    }
    if (this.schema !== undefined) {
      const r = validateSync(this.schema, value);
      if (!r.ok) {
        this.sink.fail({ message: r.message, byteOffset: startOffset + lineOffset(buf, lineIndex, lineStart), line: lineNo, recordIndex: index }, value);
        return;
      }
      value = r.value;
    }
    this.sink.emit(value as T);
  }
}

/** Offset of the start of the n-th (0-based) line in `buf`. */
/** `lineStart` when known (≥ 0), else where line `lineIndex` of `buf` starts. */
function lineOffset(buf: Uint8Array, lineIndex: number, lineStart: number): number {
  return lineStart >= 0 ? lineStart : nthLineStart(buf, lineIndex);
}

function nthLineStart(buf: Uint8Array, n: number): number {
  let pos = 0;
  for (let i = 0; i < n; i++) pos = buf.indexOf(newline, pos) + 1;
  return pos;
}
