import { InvalidArgumentError, type Transformer } from '@streamweave/core';
import { asBytes, type CodecOptions, type CodecSink, defineCodec, describeValue } from '../defineCodec.js';
import { isStandardSchema, type StandardSchemaV1, validateSync } from '../internal/schema.js';
import { JsonFormatError } from './jsonFormatError.js';
import { parseJsonPath, type PathSegment } from './jsonPath.js';

/** Options of {@link jsonStreamDecode}. */
export interface JsonStreamDecodeOptions<T = unknown> extends CodecOptions {
  /**
   * Which values to emit: `$[*]` (default: the elements of a top-level array),
   * `$.data.items[*]`, `$.pages[*].rows[*]`, `$.*` (each value of a top-level
   * object), `$` (the whole document as one record).
   */
  readonly path?: string;
  /** Validates each emitted value (any Standard Schema, such as zod 4); must be synchronous. */
  readonly schema?: StandardSchemaV1<unknown, T>;
  /** One emitted value larger than this is an error (bounds memory); default 64 MiB. */
  readonly maxRecordBytes?: number;
}

// Byte codes.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const enum Mode {
  Value, // expecting a value
  AfterValue, // expecting , or a closing bracket (or the end, at top level)
  Key, // expecting a key string (or } right after {)
  KeyString, // inside a key string
  Colon, // expecting :
  Scan, // inside a value being captured or skipped
  Done, // after the top-level value
}

interface Frame {
  readonly array: boolean;
  /** Depth of the values inside this container (1 for the root container's children). */
  readonly depth: number;
  index: number;
  key: string | undefined;
  /** True right after `{` or `[`: a closing bracket is allowed instead of a value or key. */
  empty: boolean;
}

/**
 * Streams the values at a path inside one (possibly huge) JSON document, such as
 * the elements of a top-level array or of `$.data.items[*]`, without holding the
 * document: memory is bounded by the largest emitted value, whatever the
 * document's size.
 *
 * An incremental tokenizer walks the structure outside the selected values and
 * only finds the end of each selected value, which is then handed to the
 * engine's `JSON.parse` (fast, fully validated). Values that are neither
 * selected nor on the way to one are skipped with bracket matching only. When
 * the selected values are the elements of an array, the elements lying whole in
 * a chunk are parsed by one `JSON.parse` at the guessed last element boundary
 * (a wrong guess cannot parse, and then the tokenizer takes over), so a
 * streamed document decodes about as fast as `JSON.parse` of the whole text.
 *
 * A malformed selected value or a schema violation is a {@link JsonFormatError}
 * (byte offset + record index) that the error strategy may skip; a broken
 * document structure or a truncated document stops decoding with a
 * {@link JsonFormatError}.
 *
 * @example
 * ```ts
 * // {"data":{"items":[{"id":1},{"id":2}]}}
 * pipeline().from(fileChunks).pipe(jsonStreamDecode({ path: '$.data.items[*]' })).to(collect()); // [{id:1},{id:2}]
 * ```
 * @see {@link ndjsonDecode} for one record per line
 */
export function jsonStreamDecode<T = unknown>(options: JsonStreamDecodeOptions<T> = {}): Transformer<Uint8Array, T> {
  const path = options.path ?? '$[*]';
  const segments = parseJsonPath(path);
  const schema = options.schema;
  if (schema !== undefined && !isStandardSchema(schema)) {
    throw new InvalidArgumentError('jsonStreamDecode: `schema` must be a Standard Schema (for example a zod 4 schema)');
  }
  const maxRecordBytes = options.maxRecordBytes ?? 64 * 1024 * 1024;
  if (!(Number.isInteger(maxRecordBytes) && maxRecordBytes > 0)) {
    throw new InvalidArgumentError(`jsonStreamDecode: \`maxRecordBytes\` must be a positive integer, got ${String(maxRecordBytes)}`);
  }
  return defineCodec<Uint8Array, T>('jsonStreamDecode', { path, maxRecordBytes }, options, 'json', JsonFormatError, (sink) =>
    new JsonStreamDecoder<T>(sink, segments, schema, maxRecordBytes),
  );
}

/** A value copied out of its chunk(s). */
interface QueuedValue {
  readonly run: false;
  readonly bytes: Uint8Array;
  readonly offset: number;
}

/** Consecutive elements of one array lying in the current chunk, not copied. */
interface ValueRun {
  readonly run: true;
  readonly chunk: Uint8Array;
  readonly start: number;
  end: number;
  readonly frame: Frame;
  index: number;
  readonly offsets: number[];
  readonly starts: number[];
  readonly ends: number[];
}

class StructureError extends Error {
  constructor(
    message: string,
    readonly byteOffset: number,
  ) {
    super(message);
  }
}

class JsonStreamDecoder<T> {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private mode = Mode.Value;
  private readonly frames: Frame[] = [];
  /** Stream offset of the current chunk's first byte. */
  private base = 0;
  private records = 0;
  private started = false;
  // Scan state (a value being captured or skipped).
  private capture = false;
  private scanBrackets: number[] = [];
  private scanInString = false;
  private scanEscape = false;
  /** Non-container scalar being scanned (number / literal / string). */
  private scanScalar = false;
  private scanStart = 0;
  private parts: Uint8Array[] = [];
  private partsBytes = 0;
  // Key string state.
  private keyParts: Uint8Array[] = [];
  private keyEscape = false;

  constructor(
    private readonly sink: CodecSink<T>,
    private readonly segments: readonly PathSegment[],
    private readonly schema: StandardSchemaV1<unknown, T> | undefined,
    private readonly maxRecordBytes: number,
  ) {}

  push(chunk: unknown): void {
    const bytes = asBytes(chunk);
    if (bytes === undefined) {
      this.sink.fail({ message: `expected a Uint8Array chunk, got ${describeValue(chunk)}`, byteOffset: this.base, recordIndex: this.records }, chunk);
      return;
    }
    if (this.fatal) {
      // The structure is broken: the rest of the document cannot be located, only counted past.
      this.base += bytes.length;
      return;
    }
    try {
      this.scan(bytes);
      this.flushValues();
    } catch (e) {
      if (e instanceof StructureError) {
        this.flushValues();
        this.sink.fail({ message: e.message, byteOffset: e.byteOffset, recordIndex: this.records }, undefined);
        this.mode = Mode.Done;
        this.fatal = true;
        return;
      }
      throw e;
    } finally {
      this.base += bytes.length;
    }
  }

  private fatal = false;

  end(): void {
    if (this.fatal) return;
    if (this.mode === Mode.Scan && this.scanScalar && !this.scanInString && this.frames.length === 0) {
      // A top-level scalar document ends at end of input.
      this.finishScan(this.base, new Uint8Array(0), 0);
      this.flushValues();
      this.mode = Mode.Done;
    }
    if (this.mode !== Mode.Done) {
      this.sink.fail(
        { message: this.started ? 'unexpected end of input: the JSON document is truncated' : 'empty input: no JSON document', byteOffset: this.base, recordIndex: this.records },
        undefined,
      );
    }
  }

  private scan(b: Uint8Array): void {
    const n = b.length;
    let i = 0;
    if (this.mode === Mode.Scan || this.mode === Mode.KeyString) this.scanStart = 0;
    while (i < n) {
      switch (this.mode) {
        case Mode.Scan:
          i = this.scanValue(b, i);
          break;
        case Mode.KeyString:
          i = this.scanKey(b, i);
          break;
        default: {
          const c = b[i]!;
          if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
            i++;
            continue;
          }
          if (!this.started) {
            this.started = true;
            if (c === 0xef && b[i + 1] === 0xbb && b[i + 2] === 0xbf) {
              i += 3;
              continue;
            }
          }
          if (this.mode === Mode.Value && c !== RBRACKET && this.speculative && n - i >= minSpeculativeBytes && this.atCapturedElement()) {
            const j = this.speculate(b, i);
            if (j > i) {
              i = j;
              continue;
            }
          }
          i = this.structural(b, i, c);
        }
      }
    }
    if (this.mode === Mode.Scan && this.capture) this.keepPart(b.subarray(this.scanStart));
    if (this.mode === Mode.KeyString) this.keyParts.push(b.slice(this.scanStart));
  }

  /**
   * True when the next value is an element of an array whose elements are all
   * selected (the innermost path segment is `[*]` and every frame matched).
   */
  private atCapturedElement(): boolean {
    const depth = this.frames.length;
    return depth > 0 && depth === this.segments.length && this.segments[depth - 1]!.kind === 'anyIndex' && this.frames[depth - 1]!.array;
  }

  /** Speculation on: set off after it failed too often (malformed or irregular documents). */
  private speculative = true;
  private speculationHits = 0;
  private speculationMisses = 0;

  /**
   * Fast path for the common case, consecutive elements of the selected array in
   * one chunk: guess where the last complete element in the chunk ends and parse
   * everything up to there with one `JSON.parse` instead of tokenizing it.
   *
   * The guess is proved, not trusted: `[` + region + `]` parses only when the
   * region, which starts at an element boundary, is a comma-separated list of
   * whole values (a cut inside a string or a nested container leaves it
   * unbalanced, and a cut is only ever made before a comma, which ends a
   * number). When the guess is wrong, or the region holds a malformed value or
   * invalid UTF-8, nothing is emitted and the exact tokenizer takes over, so
   * errors are reported exactly as without speculation. Returns the index of
   * the comma that follows the parsed elements, or `i` when nothing was parsed.
   */
  private speculate(b: Uint8Array, i: number): number {
    const limit = Math.min(b.length, i + this.maxRecordBytes);
    const cut = speculativeCut(b, i, limit);
    if (cut <= i) return i;
    let parsed: unknown[];
    try {
      parsed = JSON.parse('[' + this.decoder.decode(b.subarray(i, cut)) + ']') as unknown[];
    } catch {
      this.speculationMisses++;
      if (this.speculationMisses > 4 && this.speculationMisses * 4 > this.speculationHits) this.speculative = false;
      return i;
    }
    this.speculationHits++;
    this.flushValues();
    const frame = this.frames[this.frames.length - 1]!;
    frame.empty = false;
    frame.index += parsed.length - 1;
    const schema = this.schema;
    if (schema === undefined) {
      for (let k = 0; k < parsed.length; k++) this.sink.emit(parsed[k] as T);
      this.records += parsed.length;
    } else {
      let starts: number[] | undefined;
      for (let k = 0; k < parsed.length; k++) {
        const index = this.records++;
        const r = validateSync(schema, parsed[k]);
        if (r.ok) this.sink.emit(r.value);
        else {
          starts ??= elementStarts(b, i, cut);
          this.sink.fail({ message: r.message, byteOffset: this.base + starts[k]!, recordIndex: index }, parsed[k]);
        }
      }
    }
    this.mode = Mode.AfterValue;
    return cut;
  }

  /** Handles one non-whitespace byte outside any scanned value; returns the next index. */
  private structural(b: Uint8Array, i: number, c: number): number {
    const at = this.base + i;
    const top = this.frames[this.frames.length - 1];
    switch (this.mode) {
      case Mode.Done:
        throw new StructureError(`unexpected ${show(c)} after the end of the JSON document`, at);
      case Mode.Value:
        if (top?.array && top.empty && c === RBRACKET) return this.close(i, true);
        if (top) top.empty = false;
        return this.startValue(b, i, c);
      case Mode.AfterValue:
        if (!top) {
          this.mode = Mode.Done;
          return this.structural(b, i, c);
        }
        if (c === COMMA) {
          if (top.array) {
            top.index++;
            this.mode = Mode.Value;
          } else this.mode = Mode.Key;
          return i + 1;
        }
        if (c === (top.array ? RBRACKET : RBRACE)) return this.close(i, top.array);
        throw new StructureError(`expected , or ${top.array ? ']' : '}'} but found ${show(c)}`, at);
      case Mode.Key:
        if (top!.empty && c === RBRACE) return this.close(i, false);
        top!.empty = false;
        if (c !== QUOTE) throw new StructureError(`expected an object key but found ${show(c)}`, at);
        this.mode = Mode.KeyString;
        this.keyParts = [];
        this.keyEscape = false;
        this.scanStart = i;
        return i + 1;
      case Mode.Colon:
        if (c !== COLON) throw new StructureError(`expected : but found ${show(c)}`, at);
        this.mode = Mode.Value;
        return i + 1;
      /* c8 ignore next 2 */
      default:
        throw new StructureError('internal tokenizer state', at);
    }
  }

  private close(i: number, array: boolean): number {
    this.frames.pop();
    this.mode = Mode.AfterValue;
    if (this.frames.length === 0) this.mode = Mode.Done;
    void array;
    return i + 1;
  }

  /** A value starts at b[i]: descend into it, capture it or skip it. */
  private startValue(b: Uint8Array, i: number, c: number): number {
    const depth = this.frames.length;
    const matches = depth === 0 || matchSegment(this.segments[depth - 1]!, this.frames[depth - 1]!);
    if (matches && depth === this.segments.length) return this.beginScan(b, i, c, true);
    const next = this.segments[depth];
    if (matches && next !== undefined) {
      const wantArray = next.kind === 'anyIndex';
      if (c === (wantArray ? LBRACKET : LBRACE)) {
        this.frames.push({ array: wantArray, depth: depth + 1, index: 0, key: undefined, empty: true });
        this.mode = wantArray ? Mode.Value : Mode.Key;
        return i + 1;
      }
    }
    return this.beginScan(b, i, c, false);
  }

  private beginScan(b: Uint8Array, i: number, c: number, capture: boolean): number {
    if (!isValueStart(c)) throw new StructureError(`expected a JSON value but found ${show(c)}`, this.base + i);
    this.capture = capture;
    this.mode = Mode.Scan;
    this.scanStart = i;
    this.parts = [];
    this.partsBytes = 0;
    this.scanBrackets = [];
    this.scanEscape = false;
    this.scanInString = c === QUOTE;
    this.scanScalar = c !== LBRACE && c !== LBRACKET;
    this.valueOffset = this.base + i;
    if (!this.scanScalar) this.scanBrackets.push(c);
    return c === QUOTE || !this.scanScalar ? i + 1 : i;
  }

  private valueOffset = 0;

  /** Scans inside a captured or skipped value; returns the next index. */
  private scanValue(b: Uint8Array, i: number): number {
    const n = b.length;
    const brackets = this.scanBrackets;
    while (i < n) {
      if (this.scanInString) {
        if (this.scanEscape) {
          this.scanEscape = false;
          i++;
          continue;
        }
        // Jump to the next unescaped quote: strings dominate JSON, and indexOf is native.
        // A quote is escaped when an odd run of backslashes precedes it.
        let q = b.indexOf(QUOTE, i);
        while (q >= 0) {
          let k = q - 1;
          while (k >= i && b[k] === BACKSLASH) k--;
          if ((q - 1 - k) % 2 === 0) break;
          q = b.indexOf(QUOTE, q + 1);
        }
        if (q < 0) {
          let k = n - 1;
          while (k >= i && b[k] === BACKSLASH) k--;
          this.scanEscape = (n - 1 - k) % 2 === 1;
          return n;
        }
        this.scanInString = false;
        i = q + 1;
        if (this.scanScalar) return this.endScan(b, i);
        continue;
      }
      const c = b[i]!;
      if (this.scanScalar) {
        // number / true / false / null: ends at a delimiter.
        if (c === COMMA || c === RBRACE || c === RBRACKET || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) return this.endScan(b, i);
        i++;
        continue;
      }
      if (c === QUOTE) this.scanInString = true;
      else if (c === LBRACE || c === LBRACKET) brackets.push(c);
      else if (c === RBRACE || c === RBRACKET) {
        const open = brackets.pop();
        if (open !== (c === RBRACE ? LBRACE : LBRACKET)) {
          throw new StructureError(`unexpected ${show(c)}`, this.base + i);
        }
        if (brackets.length === 0) return this.endScan(b, i + 1);
      }
      i++;
    }
    return n;
  }

  /** The scanned value ends just before b[end]. */
  private endScan(b: Uint8Array, end: number): number {
    this.finishScan(this.base + end, b, end);
    this.mode = this.frames.length === 0 ? Mode.Done : Mode.AfterValue;
    return end;
  }

  private finishScan(_endOffset: number, b: Uint8Array, end: number): void {
    if (!this.capture) return;
    const frame = this.frames[this.frames.length - 1];
    if (this.parts.length === 0 && !this.overlong && frame?.array && end - this.scanStart <= this.maxRecordBytes) {
      // The value lies in this chunk: note where instead of copying it. Consecutive elements of
      // one array are separated only by commas and whitespace, so `[` + that region + `]` parses
      // to exactly those elements in one call.
      const last = this.values[this.values.length - 1];
      if (last?.run && last.frame === frame && last.index + 1 === frame.index && last.chunk === b) {
        last.end = end;
        last.index = frame.index;
        last.offsets.push(this.valueOffset);
        last.ends.push(end);
        last.starts.push(this.scanStart);
      } else {
        this.values.push({ run: true, chunk: b, start: this.scanStart, end, frame, index: frame.index, offsets: [this.valueOffset], starts: [this.scanStart], ends: [end] });
      }
      return;
    }
    this.keepPart(b.subarray(this.scanStart, end));
    const bytes = this.parts.length === 1 ? this.parts[0]! : joinParts(this.parts, this.partsBytes);
    this.parts = [];
    this.partsBytes = 0;
    if (this.overlong) {
      this.overlong = false;
      return;
    }
    this.queueValue(bytes);
  }

  private overlong = false;

  private keepPart(part: Uint8Array): void {
    if (this.overlong || part.length === 0) return;
    this.partsBytes += part.length;
    if (this.partsBytes > this.maxRecordBytes) {
      this.overlong = true;
      this.parts = [];
      this.sink.fail(
        { message: `value longer than maxRecordBytes (${this.maxRecordBytes})`, byteOffset: this.valueOffset, recordIndex: (this.flushValues(), this.records++) },
        undefined,
      );
      return;
    }
    // Copy: the chunk belongs to the upstream and may be reused.
    this.parts.push(part.slice());
  }

  /** Values completed in the current chunk, parsed together by flushValues(). */
  private values: Array<QueuedValue | ValueRun> = [];

  private queueValue(bytes: Uint8Array): void {
    // `bytes` is already a copy (keepPart), never a view of the upstream's buffer.
    this.values.push({ run: false, bytes, offset: this.valueOffset });
  }

  /**
   * Parses the queued values with one TextDecoder call and one JSON.parse of
   * `[v1,v2,…]` (far cheaper than one call each); when that fails, each value is
   * parsed alone so that only the bad ones are reported.
   */
  private flushValues(): void {
    const items = this.values;
    if (items.length === 0) return;
    this.values = [];
    let copies: QueuedValue[] = [];
    for (const item of items) {
      if (!item.run) {
        copies.push(item);
        continue;
      }
      if (copies.length > 0) this.parseCopies(copies);
      copies = [];
      this.parseRun(item);
    }
    if (copies.length > 0) this.parseCopies(copies);
  }

  private parseRun(run: ValueRun): void {
    const count = run.offsets.length;
    const parsed = this.parseList(run.chunk.subarray(run.start, run.end), count);
    if (parsed === undefined) {
      for (let k = 0; k < count; k++) this.emitValue(run.chunk.slice(run.starts[k], run.ends[k]), run.offsets[k]!);
      return;
    }
    for (let k = 0; k < count; k++) this.emitParsed(parsed[k], this.records++, run.offsets[k]!);
  }

  private parseCopies(values: QueuedValue[]): void {
    let total = 0;
    for (const v of values) total += v.bytes.length + 1;
    const joined = new Uint8Array(total - 1);
    let o = 0;
    for (const v of values) {
      if (o > 0) joined[o++] = COMMA;
      joined.set(v.bytes, o);
      o += v.bytes.length;
    }
    const parsed = this.parseList(joined, values.length);
    if (parsed === undefined) {
      for (const v of values) this.emitValue(v.bytes, v.offset);
      return;
    }
    for (let k = 0; k < parsed.length; k++) this.emitParsed(parsed[k], this.records++, values[k]!.offset);
  }

  /** Parses `[` + bytes + `]`; undefined when it fails or does not hold `count` values. */
  private parseList(bytes: Uint8Array, count: number): unknown[] | undefined {
    try {
      const parsed = JSON.parse('[' + this.decoder.decode(bytes) + ']') as unknown[];
      return parsed.length === count ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  private emitParsed(value: unknown, index: number, byteOffset: number): void {
    if (this.schema !== undefined) {
      const r = validateSync(this.schema, value);
      if (!r.ok) {
        this.sink.fail({ message: r.message, byteOffset, recordIndex: index }, value);
        return;
      }
      value = r.value;
    }
    this.sink.emit(value as T);
  }

  private emitValue(bytes: Uint8Array, byteOffset: number): void {
    const index = this.records++;
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch (e) {
      this.sink.fail({ message: 'invalid UTF-8', byteOffset, recordIndex: index, cause: e }, bytes);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.sink.fail({ message: 'malformed JSON value', byteOffset, recordIndex: index, cause: e }, text);
      return;
    }
    this.emitParsed(value, index, byteOffset);
  }

  /** Inside an object key string. */
  private scanKey(b: Uint8Array, i: number): number {
    const n = b.length;
    while (i < n) {
      const c = b[i]!;
      if (this.keyEscape) this.keyEscape = false;
      else if (c === BACKSLASH) this.keyEscape = true;
      else if (c === QUOTE) {
        this.keyParts.push(b.slice(this.scanStart, i + 1));
        const raw = joinParts(this.keyParts, this.keyParts.reduce((s, p) => s + p.length, 0));
        this.keyParts = [];
        let key: unknown;
        try {
          key = JSON.parse(this.decoder.decode(raw));
        } catch {
          throw new StructureError('malformed object key', this.base + i);
        }
        this.frames[this.frames.length - 1]!.key = key as string;
        this.mode = Mode.Colon;
        return i + 1;
      }
      i++;
    }
    return n;
  }
}

/** Below this many bytes left in a chunk, speculation is not worth a parse attempt. */
const minSpeculativeBytes = 256;

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Guesses the end of the last complete array element in b[start, limit): the
 * comma before the last place where a new element seems to start. Object
 * elements of one array nearly always begin alike (`{"id":`), so the guess looks
 * for the first element's opening bytes; other elements use their closing
 * bracket or, for scalars, the last comma. Returns the comma's index, or -1.
 */
function speculativeCut(b: Uint8Array, start: number, limit: number): number {
  const first = b[start]!;
  let from = limit - 1;
  if (first === LBRACE) {
    // Signature: the bytes of the first element up to its first key's closing quote.
    let sigEnd = start + 1;
    while (sigEnd < limit && sigEnd - start < 48 && b[sigEnd] !== COLON && b[sigEnd] !== RBRACE) sigEnd++;
    if (sigEnd >= limit || b[sigEnd] !== COLON) return -1;
    const sigLen = sigEnd - start;
    for (let tries = 0; tries < 16; tries++) {
      const q = b.lastIndexOf(LBRACE, from);
      if (q <= start) return -1;
      from = q - 1;
      if (q + sigLen > limit) continue;
      let same = true;
      for (let k = 1; k < sigLen; k++) {
        if (b[q + k] !== b[start + k]) {
          same = false;
          break;
        }
      }
      if (!same) continue;
      let c = q - 1;
      while (isSpace(b[c])) c--;
      if (b[c] === COMMA && c > start) return c;
    }
    return -1;
  }
  const closer = first === LBRACKET ? RBRACKET : first === QUOTE ? QUOTE : -1;
  for (let tries = 0; tries < 16; tries++) {
    const c = b.lastIndexOf(COMMA, from);
    if (c <= start) return -1;
    from = c - 1;
    if (closer < 0) return c;
    let p = c - 1;
    while (isSpace(b[p])) p--;
    if (b[p] === closer) return c;
  }
  return -1;
}

/** Start indexes of the comma-separated values in b[start, end), known to be valid JSON. */
function elementStarts(b: Uint8Array, start: number, end: number): number[] {
  const starts: number[] = [];
  let depth = 0;
  let expectValue = true;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (isSpace(c)) continue;
    if (expectValue && depth === 0) {
      starts.push(i);
      expectValue = false;
    }
    if (c === QUOTE) {
      i++;
      while (b[i] !== QUOTE) i += b[i] === BACKSLASH ? 2 : 1;
    } else if (c === LBRACE || c === LBRACKET) depth++;
    else if (c === RBRACE || c === RBRACKET) depth--;
    else if (c === COMMA && depth === 0) expectValue = true;
  }
  return starts;
}

function matchSegment(seg: PathSegment, frame: Frame): boolean {
  if (seg.kind === 'anyIndex') return frame.array;
  if (frame.array) return false;
  return seg.kind === 'anyKey' || seg.name === frame.key;
}

function isValueStart(c: number): boolean {
  return c === QUOTE || c === LBRACE || c === LBRACKET || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;
}

function show(c: number): string {
  return c >= 0x20 && c < 0x7f ? JSON.stringify(String.fromCharCode(c)) : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

function joinParts(parts: Uint8Array[], total: number): Uint8Array {
  const r = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    r.set(p, o);
    o += p.length;
  }
  return r;
}
