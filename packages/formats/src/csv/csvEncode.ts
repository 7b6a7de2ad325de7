import { InvalidArgumentError, type Transformer } from '@streamweave/core';
import { type CodecOptions, defineCodec } from '../defineCodec.js';
import { type CsvDialect, resolveDialect } from './csvDialect.js';
import { CsvError } from './csvFormatError.js';

/** Options of {@link csvEncode}. */
export interface CsvEncodeOptions extends CodecOptions, CsvDialect {
  /** Column order for object records (default: the first record's keys). Keys not listed are not written. */
  readonly columns?: readonly string[];
  /** Write a header line (default true; needs object records or `columns`). */
  readonly header?: boolean;
  /** Line terminator: `\r\n` (default, RFC 4180) or `\n`. */
  readonly lineTerminator?: '\r\n' | '\n';
  /** Quote every field, not only those that need it (default false). */
  readonly quoteAll?: boolean;
}

/**
 * Encodes records (objects or arrays) as CSV bytes, one chunk per record (the
 * header goes with the first). A field is quoted when it holds the delimiter,
 * the quote or escape character, CR or LF, or leading/trailing spaces; quotes
 * inside are escaped per the dialect. `null`/`undefined` become empty fields,
 * Dates ISO 8601, objects JSON.
 *
 * A record that is neither an object nor an array is a {@link CsvError} with its
 * record index, routed per the error strategy.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([{ id: 1, name: 'Smith, J' }])).pipe(csvEncode()).to(collect());
 * // 'id,name\r\n1,"Smith, J"\r\n'
 * ```
 * @see {@link csvDecode}
 */
export function csvEncode<T extends object = Record<string, unknown> | readonly unknown[]>(options: CsvEncodeOptions = {}): Transformer<T, Uint8Array> {
  const dialect = resolveDialect('csvEncode', options);
  const eol = options.lineTerminator ?? '\r\n';
  if (eol !== '\r\n' && eol !== '\n') throw new InvalidArgumentError('csvEncode: `lineTerminator` must be "\\r\\n" or "\\n"');
  if (options.columns !== undefined && !(Array.isArray(options.columns) && options.columns.every((c) => typeof c === 'string'))) {
    throw new InvalidArgumentError('csvEncode: `columns` must be an array of strings');
  }
  const writeHeader = options.header ?? true;
  const quoteAll = options.quoteAll ?? false;
  const { delimiter: d, quote: q, escape: e } = dialect;
  const needsQuote = new RegExp(`[${escapeClass(d + q + e)}\\r\\n]|^\\s|\\s$`);
  const escapeRe = new RegExp(escapeClass(e === q ? q : e + q).replace(/^(.+)$/, '[$1]'), 'g');
  const field = (v: unknown): string => {
    const s =
      v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (!quoteAll && !needsQuote.test(s)) return s;
    return q + s.replace(escapeRe, (m) => e + m) + q;
  };
  return defineCodec<T, Uint8Array>(
    'csvEncode',
    { ...dialect, header: writeHeader, columns: options.columns, lineTerminator: eol },
    options,
    'csv',
    CsvError,
    (sink) => {
      const encoder = new TextEncoder();
      let columns = options.columns;
      let headerDone = !writeHeader;
      let index = 0;
      const header = (): string => {
        headerDone = true;
        return columns === undefined ? '' : columns.map(field).join(d) + eol;
      };
      return {
        push(record) {
          const recordIndex = index++;
          let line: string;
          if (Array.isArray(record)) {
            line = record.map(field).join(d);
          } else if (typeof record === 'object' && record !== null && !(record instanceof Date)) {
            const r = record as Record<string, unknown>;
            columns ??= Object.keys(r);
            line = columns.map((c) => field(r[c])).join(d);
          } else {
            sink.fail({ message: `a CSV record must be an object or an array, got ${record === null ? 'null' : typeof record}`, recordIndex }, record);
            return;
          }
          sink.emit(encoder.encode((headerDone ? '' : header()) + line + eol));
        },
        end() {
          if (!headerDone && columns !== undefined) sink.emit(encoder.encode(header()));
        },
      };
    },
  );
}

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^[-]/g, '\\$&');
}
