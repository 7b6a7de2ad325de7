import { InvalidArgumentError, isCheckpointBarrier, type Transformer } from '@streamweave/core';
import { type CodecOptions, type CodecSink, defineCodec } from '@streamweave/formats';
import type { CompressionCodec, SchemaElement } from 'hyparquet';
import { ByteWriter, ParquetWriter, schemaFromColumnData } from 'hyparquet-writer';
import { ParquetFormatError } from './parquetFormatError.js';

/** A column's Parquet type, as hyparquet-writer names it. */
export type ParquetColumnType = 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY' | 'STRING' | 'JSON' | 'TIMESTAMP';

/** One column to write. */
export interface ParquetColumn {
  /** Column name in the file, and the row property its values are read from. */
  readonly name: string;
  /** Default: from the first non-null value: number → DOUBLE, bigint → INT64, boolean, string, Date → TIMESTAMP, Uint8Array → BYTE_ARRAY, other objects → JSON. */
  readonly type?: ParquetColumnType;
  /** Default true. */
  readonly nullable?: boolean;
}

/** A compression function for one codec (bytes in, compressed bytes out). */
export type ParquetCompressor = (input: Uint8Array) => Uint8Array;

/** Options of {@link parquetEncode}. */
export interface ParquetEncodeOptions extends CodecOptions {
  /** Columns in order; default: the first row's keys, types inferred. Keys not listed are not written. */
  readonly columns?: readonly (string | ParquetColumn)[];
  /** Rows per row group (default 100 000). A checkpoint barrier also ends the current row group. */
  readonly rowGroupSize?: number;
  /** `snappy` (default, built in), `zstd` (give `compressors` from {@link zstdCompressors}), `gzip` (give a compressor) or `uncompressed`. */
  readonly compression?: 'snappy' | 'zstd' | 'gzip' | 'uncompressed';
  /** Extra compressors by Parquet codec name (`ZSTD`, `GZIP`…). */
  readonly compressors?: Partial<Record<'ZSTD' | 'GZIP' | 'BROTLI' | 'LZ4_RAW', ParquetCompressor>>;
  /** Write min/max/null-count statistics (default true): readers use them to skip row groups. */
  readonly statistics?: boolean;
}

const codecs = { snappy: 'SNAPPY', zstd: 'ZSTD', gzip: 'GZIP', uncompressed: 'UNCOMPRESSED' } as const;

/**
 * Encodes rows (plain objects) as a Parquet file with hyparquet-writer: rows
 * are gathered into row groups of `rowGroupSize`, each written and emitted as
 * one chunk as soon as it is complete (the `PAR1` header goes with the first,
 * the footer with the last chunk at the end of input), so memory holds one row
 * group and a file sink writes as it goes. Columns get min/max statistics for
 * readers' row-group skipping.
 *
 * A row whose values do not fit a column's type is a
 * {@link ParquetFormatError} with its record index; under Skip or dead-letter
 * only that row is left out.
 *
 * @example
 * ```ts
 * pipeline().from(rows).pipe(parquetEncode({ rowGroupSize: 50_000, compression: 'zstd', compressors: await zstdCompressors() }))
 *   .to(writeChunks('out.parquet'));
 * ```
 * @see {@link (parquetSource:1)}
 */
export function parquetEncode<T = Record<string, unknown>>(options: ParquetEncodeOptions = {}): Transformer<T, Uint8Array> {
  const rowGroupSize = options.rowGroupSize ?? 100_000;
  if (!(Number.isInteger(rowGroupSize) && rowGroupSize > 0)) {
    throw new InvalidArgumentError(`parquetEncode: \`rowGroupSize\` must be a positive integer, got ${String(rowGroupSize)}`);
  }
  const compression = options.compression ?? 'snappy';
  const codec = codecs[compression];
  if (codec === undefined) throw new InvalidArgumentError(`parquetEncode: \`compression\` must be one of ${Object.keys(codecs).join(', ')}, got ${String(compression)}`);
  if (codec !== 'SNAPPY' && codec !== 'UNCOMPRESSED' && typeof options.compressors?.[codec] !== 'function') {
    throw new InvalidArgumentError(
      `parquetEncode: compression '${compression}' needs a ${codec} compressor in \`compressors\`${codec === 'ZSTD' ? ' (use `await zstdCompressors()`)' : ''}`,
    );
  }
  const columns = options.columns?.map((c) => (typeof c === 'string' ? { name: c } : c));
  if (columns !== undefined && !columns.every((c) => typeof c?.name === 'string')) {
    throw new InvalidArgumentError('parquetEncode: `columns` must be column names or { name, type?, nullable? } objects');
  }
  return defineCodec<T, Uint8Array>(
    'parquetEncode',
    { rowGroupSize, compression, columns: columns?.map((c) => c.name) ?? null },
    options,
    'parquet',
    ParquetFormatError,
    (sink) => new ParquetEncoder(sink, rowGroupSize, codec, options, columns),
  );
}

/** A ByteWriter that hands out what was written at each row group, so output streams. */
class ChunkWriter extends ByteWriter {
  constructor(private readonly onBytes: (bytes: Uint8Array) => void) {
    super(1 << 20);
  }
  flush(): void {
    if (this.index === 0) return;
    this.onBytes(new Uint8Array(this.buffer.slice(0, this.index)));
    this.index = 0;
  }
  override finish(): void {
    this.flush();
  }
}

class ParquetEncoder<T> {
  private writer: ParquetWriter | undefined;
  private schema: SchemaElement[] | undefined;
  private rows: Record<string, unknown>[] = [];
  private indexes: number[] = [];
  private index = 0;

  constructor(
    private readonly sink: CodecSink<Uint8Array>,
    private readonly rowGroupSize: number,
    private readonly codec: CompressionCodec,
    private readonly options: ParquetEncodeOptions,
    private columns: ParquetColumn[] | undefined,
  ) {}

  push(record: T): void {
    const recordIndex = this.index++;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      this.sink.fail({ message: `a Parquet row must be an object, got ${record === null ? 'null' : Array.isArray(record) ? 'array' : typeof record}`, recordIndex }, record);
      return;
    }
    this.columns ??= Object.keys(record).map((name) => ({ name }));
    this.rows.push(record as Record<string, unknown>);
    this.indexes.push(recordIndex);
    if (this.rows.length >= this.rowGroupSize) this.writeGroup();
  }

  flush(signal: unknown): void {
    // Watermarks do not cut row groups (tiny groups hurt readers); checkpoint barriers do,
    // so that everything before a barrier has left this node when the barrier passes.
    if (isCheckpointBarrier(signal)) this.writeGroup();
  }

  end(): void {
    this.writeGroup();
    if (this.writer === undefined && this.columns !== undefined && this.options.columns !== undefined) {
      // No rows but declared columns: still write a valid, empty file.
      this.schema = schemaFromColumnData({ columnData: this.columns.map((c) => ({ name: c.name, data: [], type: c.type ?? 'STRING', nullable: c.nullable ?? true })) });
      this.writer = this.open();
    }
    this.writer?.finish();
  }

  private open(): ParquetWriter {
    const writer = new ChunkWriter((bytes) => this.sink.emit(bytes));
    return new ParquetWriter({
      writer,
      schema: this.schema!,
      codec: this.codec,
      compressors: this.options.compressors ?? {},
      statistics: this.options.statistics ?? true,
      createdBy: 'streamweave (hyparquet-writer)',
    });
  }

  private writeGroup(): void {
    if (this.rows.length === 0) return;
    let rows = this.rows;
    let indexes = this.indexes;
    this.rows = [];
    this.indexes = [];
    const columns = this.columns!;
    if (this.schema === undefined) {
      this.schema = schemaFromColumnData({
        columnData: columns.map((c) => ({ name: c.name, data: [], type: c.type ?? inferType(rows, c.name), nullable: c.nullable ?? true })),
      });
    }
    const elements = this.schema.slice(1);
    const keep: boolean[] = rows.map((row, k) => {
      for (let c = 0; c < columns.length; c++) {
        const why = misfit(row[columns[c]!.name], elements[c]!);
        if (why !== undefined) {
          this.sink.fail({ message: `column ${JSON.stringify(columns[c]!.name)}: ${why}`, recordIndex: indexes[k]! }, row);
          return false;
        }
      }
      return true;
    });
    if (keep.includes(false)) {
      rows = rows.filter((_, k) => keep[k]);
      indexes = indexes.filter((_, k) => keep[k]);
    }
    if (rows.length === 0) return;
    this.writer ??= this.open();
    const columnData = columns.map((c, k) => {
      // hyparquet-writer wants BigInt for INT64; whole JavaScript numbers are accepted by misfit(), so convert them.
      const int64 = elements[k]!.type === 'INT64';
      return { name: c.name, data: rows.map((r) => { const v = r[c.name] ?? null; return int64 && typeof v === 'number' ? BigInt(v) : v; }) };
    });
    try {
      this.writer.write({ columnData, rowGroupSize: rows.length });
    } catch (e) {
      this.sink.fail({ message: `cannot write row group`, recordIndex: indexes[0]!, cause: e }, rows);
    }
  }
}

/**
 * A column's type from its first non-null value. JavaScript numbers become
 * DOUBLE: a first value that happens to be whole must not make a later 0.5 a
 * misfit (declare INT32 / INT64 to store integers).
 */
function inferType(rows: readonly Record<string, unknown>[], name: string): ParquetColumnType {
  for (const row of rows) {
    const v = row[name];
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') return 'DOUBLE';
    if (typeof v === 'bigint') return 'INT64';
    if (typeof v === 'boolean') return 'BOOLEAN';
    if (typeof v === 'string') return 'STRING';
    if (v instanceof Date) return 'TIMESTAMP';
    if (v instanceof Uint8Array) return 'BYTE_ARRAY';
    return 'JSON';
  }
  return 'STRING';
}

/** Why `value` cannot go into a column described by `element`, or undefined when it fits. */
function misfit(value: unknown, element: SchemaElement): string | undefined {
  if (value === null || value === undefined) return element.repetition_type === 'REQUIRED' ? 'null in a required column' : undefined;
  const t = typeof value;
  const logical = element.converted_type ?? element.logical_type?.type;
  let ok: boolean;
  switch (element.type) {
    case 'BOOLEAN':
      ok = t === 'boolean';
      break;
    case 'INT32':
      ok = (t === 'number' && Number.isInteger(value)) || (logical === 'DATE' && value instanceof Date);
      break;
    case 'INT64':
      ok = t === 'bigint' || (t === 'number' && Number.isInteger(value)) || value instanceof Date;
      break;
    case 'FLOAT':
    case 'DOUBLE':
      ok = t === 'number';
      break;
    case 'BYTE_ARRAY':
      ok = logical === 'UTF8' || logical === 'STRING' ? t === 'string' : logical === 'JSON' ? true : value instanceof Uint8Array || t === 'string';
      break;
    default:
      ok = true;
  }
  return ok ? undefined : `${t === 'bigint' ? String(value) : (JSON.stringify(value) ?? t)} does not fit ${element.type}${logical ? ` (${String(logical)})` : ''}`;
}
