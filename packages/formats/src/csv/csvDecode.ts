import { InvalidArgumentError, type Transformer } from '@streamweave/core';
import { asBytes, type CodecOptions, type CodecSink, defineCodec, describeValue } from '../defineCodec.js';
import { convertField, type CsvColumnType } from './csvColumns.js';
import { type CsvDialect, type ResolvedDialect, resolveDialect } from './csvDialect.js';
import { CsvError } from './csvFormatError.js';

/** Options of {@link csvDecode}. */
export interface CsvDecodeOptions extends CodecOptions, CsvDialect {
  /**
   * `true` (default): the first record names the columns and records are objects.
   * An array: these are the column names, every record is data.
   * `false`: records are arrays of fields.
   */
  readonly header?: boolean | readonly string[];
  /** Typed columns by name (or by index as a string, without a header). Untyped columns stay strings. */
  readonly columns?: Readonly<Record<string, CsvColumnType>>;
  /** Allow records whose field count differs from the header (missing fields are `undefined`, extra ones dropped). Default false: such a record is an error. */
  readonly relaxColumnCount?: boolean;
  /** Skip empty lines (default true). */
  readonly skipEmptyLines?: boolean;
  /** A record may buffer at most this many characters while incomplete (bounds memory); default 64 Mi. */
  readonly maxRecordChars?: number;
}

const INCOMPLETE = -1;
const UNTERMINATED = -2;
const MALFORMED = -3;
const LF = 10;
const CR = 13;

/**
 * Decodes CSV bytes (RFC 4180 and dialects) into records: objects keyed by the
 * header, or arrays. Handles quoted fields with escaped quotes, embedded
 * newlines and delimiters, CRLF or LF line ends, a UTF-8 BOM, and chunk
 * boundaries anywhere (also inside a field or a UTF-8 sequence).
 *
 * Bad input is a {@link CsvError} naming source, line, byte offset (of the
 * record's first byte) and record index: an
 * unterminated quote, a character after a closing quote, a wrong field count,
 * a value that does not fit its typed column. Under Skip or dead-letter the
 * bad record is dropped (counted) and decoding goes on at the next line; invalid
 * UTF-8 cannot be resynchronised and ends decoding after one counted error.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([utf8('id,name\n1,"Smith, J"\n')]))
 *   .pipe(csvDecode({ columns: { id: 'integer' } })).to(collect()); // [{ id: 1, name: 'Smith, J' }]
 * ```
 * @see {@link csvEncode}
 */
export function csvDecode<T = Record<string, unknown>>(options: CsvDecodeOptions = {}): Transformer<Uint8Array, T> {
  const dialect = resolveDialect('csvDecode', options);
  const header = options.header ?? true;
  if (typeof header !== 'boolean' && !(Array.isArray(header) && header.every((h) => typeof h === 'string'))) {
    throw new InvalidArgumentError('csvDecode: `header` must be a boolean or an array of column names');
  }
  const maxRecordChars = options.maxRecordChars ?? 64 * 1024 * 1024;
  if (!(Number.isInteger(maxRecordChars) && maxRecordChars > 0)) {
    throw new InvalidArgumentError(`csvDecode: \`maxRecordChars\` must be a positive integer, got ${String(maxRecordChars)}`);
  }
  const settings: Settings = {
    dialect,
    header,
    columns: options.columns ?? {},
    relax: options.relaxColumnCount ?? false,
    skipEmpty: options.skipEmptyLines ?? true,
    maxRecordChars,
  };
  return defineCodec<Uint8Array, T>(
    'csvDecode',
    { ...dialect, header, relaxColumnCount: settings.relax, skipEmptyLines: settings.skipEmpty },
    options,
    'csv',
    CsvError,
    (sink) => new CsvDecoder<T>(sink, settings),
  );
}

interface Settings {
  readonly dialect: ResolvedDialect;
  readonly header: boolean | readonly string[];
  readonly columns: Readonly<Record<string, CsvColumnType>>;
  readonly relax: boolean;
  readonly skipEmpty: boolean;
  readonly maxRecordChars: number;
}

class CsvDecoder<T> {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly d: string;
  private readonly q: string;
  private readonly e: string;
  private readonly qCode: number;
  private names: readonly string[] | undefined;
  private carry = '';
  private line = 1;
  private records = 0;
  private dead = false;
  private skipToNewline = false;
  private bytes = 0;
  /** The last (up to 3) bytes fed, to tell how many the UTF-8 decoder still holds. */
  private tail: number[] = [];
  // The text being parsed and the stream offset of its end, to name the byte offset of a bad record.
  private text = '';
  private textEnd = 0;
  private offsetCachePos = -1;
  private offsetCacheBytes = 0;
  // Per-record parse results.
  private readonly fields: string[] = [];
  private newlines = 0;
  private quotedFirst = false;
  private malformedAt = 0;
  // indexOf caches for the current text.
  private nd = -1;
  private nl = -1;

  constructor(
    private readonly sink: CodecSink<T>,
    private readonly s: Settings,
  ) {
    this.d = s.dialect.delimiter;
    this.q = s.dialect.quote;
    this.e = s.dialect.escape;
    this.qCode = this.q.charCodeAt(0);
    this.names = Array.isArray(s.header) ? s.header : undefined;
  }

  push(chunk: unknown): void {
    if (this.dead) return;
    const bytes = asBytes(chunk);
    if (bytes === undefined) {
      this.sink.fail({ message: `expected a Uint8Array chunk, got ${describeValue(chunk)}`, line: this.line, byteOffset: this.bytes, recordIndex: this.records }, chunk);
      return;
    }
    let decoded: string;
    try {
      decoded = this.decoder.decode(bytes, { stream: true });
    } catch (e) {
      this.invalidUtf8(e, bytes);
      return;
    }
    this.bytes += bytes.length;
    this.tail = [...this.tail, ...bytes.subarray(Math.max(0, bytes.length - 3))].slice(-3);
    this.parse(this.carry + decoded, false, this.bytes - heldBytes(this.tail));
  }

  end(): void {
    if (this.dead) return;
    let rest: string;
    try {
      rest = this.decoder.decode();
    } catch (e) {
      this.invalidUtf8(e, undefined);
      return;
    }
    this.parse(this.carry + rest, true, this.bytes);
  }

  private invalidUtf8(cause: unknown, item: unknown): void {
    this.dead = true;
    this.sink.fail({ message: 'invalid UTF-8 (decoding stops here)', line: this.line, byteOffset: this.bytes, recordIndex: this.records, cause }, item);
  }

  /**
   * Stream byte offset of text[pos], counted back from the end of the text so
   * that a stripped BOM or a UTF-8 sequence still held by the decoder cannot
   * skew it. Only computed for errors; they come in increasing positions, so
   * each one walks on from the previous one instead of rescanning the text.
   */
  private offsetOf(pos: number): number {
    const text = this.text;
    if (this.offsetCachePos < 0) {
      this.offsetCachePos = text.length;
      this.offsetCacheBytes = 0;
    }
    if (pos <= this.offsetCachePos) this.offsetCacheBytes += utf8Length(text, pos, this.offsetCachePos);
    else this.offsetCacheBytes -= utf8Length(text, this.offsetCachePos, pos);
    this.offsetCachePos = pos;
    return this.textEnd - this.offsetCacheBytes;
  }

  private parse(text: string, eof: boolean, textEnd: number): void {
    this.text = text;
    this.textEnd = textEnd;
    this.offsetCachePos = -1;
    let pos = 0;
    this.nd = -1;
    this.nl = -1;
    const n = text.length;
    if (this.skipToNewline) {
      const nl = text.indexOf('\n');
      if (nl < 0) {
        this.carry = '';
        return;
      }
      this.skipToNewline = false;
      this.line++;
      pos = nl + 1;
    }
    while (pos < n && !this.dead) {
      const r = this.parseRecord(text, pos, eof);
      if (r === INCOMPLETE) break;
      if (r === UNTERMINATED || r === MALFORMED) {
        const index = this.records++;
        const message = r === UNTERMINATED ? 'unterminated quoted field' : `unexpected ${JSON.stringify(text[this.malformedAt])} after a closing quote`;
        const line = this.line;
        const nl = text.indexOf('\n', r === MALFORMED ? this.malformedAt : n);
        const raw = text.slice(pos, nl < 0 ? n : nl);
        if (!this.sink.fail({ message, line, byteOffset: this.offsetOf(pos), recordIndex: index }, raw)) return;
        if (nl < 0) {
          this.line += countNewlines(text, pos, n);
          pos = n;
          this.skipToNewline = !eof;
        } else {
          this.line += countNewlines(text, pos, nl) + 1;
          pos = nl + 1;
          this.nd = -1;
          this.nl = -1;
        }
        continue;
      }
      const line = this.line;
      this.line += this.newlines + (r > 0 && text.charCodeAt(r - 1) === LF ? 1 : 0);
      const start = pos;
      pos = r;
      this.record(line, start);
    }
    this.carry = pos < n ? text.slice(pos) : '';
    if (this.carry.length > this.s.maxRecordChars) {
      this.dead = true;
      this.sink.fail(
        { message: `record longer than maxRecordChars (${this.s.maxRecordChars}); decoding stops here`, line: this.line, byteOffset: this.offsetOf(pos), recordIndex: this.records },
        undefined,
      );
    }
  }

  /** Parses one record at `start`; returns the index after it or INCOMPLETE / UNTERMINATED / MALFORMED. */
  private parseRecord(s: string, start: number, eof: boolean): number {
    const fields = this.fields;
    fields.length = 0;
    this.newlines = 0;
    this.quotedFirst = false;
    const n = s.length;
    const qc = this.qCode;
    let i = start;
    for (;;) {
      if (i < n && s.charCodeAt(i) === qc) {
        if (fields.length === 0) this.quotedFirst = true;
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = s.indexOf(this.q, j);
          const e = this.e === this.q ? -1 : s.indexOf(this.e, j);
          if (e >= 0 && (q < 0 || e < q)) {
            if (e + 1 >= n) return eof ? UNTERMINATED : INCOMPLETE;
            value += s.slice(j, e) + s[e + 1];
            j = e + 2;
            continue;
          }
          if (q < 0) return eof ? UNTERMINATED : INCOMPLETE;
          value += s.slice(j, q);
          if (q + 1 >= n && !eof) return INCOMPLETE;
          if (this.e === this.q && s.charCodeAt(q + 1) === qc) {
            value += this.q;
            j = q + 2;
            continue;
          }
          j = q + 1;
          break;
        }
        if (value.includes('\n')) this.newlines += countNewlines(value, 0, value.length);
        fields.push(value);
        i = j;
        if (i >= n) return n;
        const c = s.charCodeAt(i);
        if (s[i] === this.d) {
          i++;
          continue;
        }
        if (c === LF) return i + 1;
        if (c === CR) {
          if (i + 1 >= n) return eof ? n : INCOMPLETE;
          if (s.charCodeAt(i + 1) === LF) return i + 2;
        }
        this.malformedAt = i;
        return MALFORMED;
      }
      if (this.nd < i) this.nd = indexOrEnd(s.indexOf(this.d, i), n);
      if (this.nl < i) this.nl = indexOrEnd(s.indexOf('\n', i), n);
      if (this.nd < this.nl) {
        fields.push(s.slice(i, this.nd));
        i = this.nd + 1;
        continue;
      }
      if (this.nl === n && !eof) return INCOMPLETE;
      const end = this.nl;
      fields.push(end > i && s.charCodeAt(end - 1) === CR ? s.slice(i, end - 1) : s.slice(i, end));
      return end === n ? n : end + 1;
    }
  }

  /** Handles the record parsed into `fields`, which starts at line `line` and at text[start]. */
  private record(line: number, start: number): void {
    const fields = this.fields;
    if (fields.length === 1 && fields[0] === '' && !this.quotedFirst && this.s.skipEmpty) return;
    if (this.s.header === true && this.names === undefined) {
      this.names = fields.slice();
      return;
    }
    const index = this.records++;
    const names = this.names;
    const columns = this.s.columns;
    if (names !== undefined && fields.length !== names.length && !this.s.relax) {
      this.sink.fail({ message: `expected ${names.length} fields, got ${fields.length}`, line, byteOffset: this.offsetOf(start), recordIndex: index }, fields.slice());
      return;
    }
    let column = '';
    try {
      if (names !== undefined) {
        const out: Record<string, unknown> = {};
        for (let k = 0; k < names.length; k++) {
          column = names[k]!;
          const raw = fields[k];
          const type = columns[column];
          out[column] = type === undefined || raw === undefined ? raw : convertField(raw, type, column);
        }
        this.sink.emit(out as T);
      } else {
        const out: unknown[] = fields.slice();
        for (let k = 0; k < out.length; k++) {
          column = String(k);
          const type = columns[column];
          if (type !== undefined) out[k] = convertField(fields[k]!, type, column);
        }
        this.sink.emit(out as T);
      }
    } catch (e) {
      this.sink.fail(
        { message: `column ${JSON.stringify(column)}`, line, byteOffset: this.offsetOf(start), recordIndex: index, cause: e },
        fields.slice(),
      );
    }
  }
}

function indexOrEnd(i: number, n: number): number {
  return i < 0 ? n : i;
}

/** UTF-8 length of s[from, to) (a surrogate pair counts 2 + 2). */
function utf8Length(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 2 : 3;
  }
  return n;
}

/** How many of the last bytes fed (`tail`, at most 3) are an incomplete UTF-8 sequence the decoder still holds. */
function heldBytes(tail: readonly number[]): number {
  for (let k = 1; k <= tail.length; k++) {
    const b = tail[tail.length - k]!;
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0xc0) return 0;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return length > k ? k : 0;
  }
  return 0;
}

function countNewlines(s: string, from: number, to: number): number {
  let c = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) c++;
  return c;
}
