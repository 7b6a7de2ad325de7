/** Row-group planning shared by the Parquet source and decoder: statistics, projection, skipping. */
import { InvalidArgumentError } from '@streamweave/core';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';

/** Min / max / null count of one column in one row group, from the file's statistics. */
export interface ColumnStatistics {
  /** Smallest value of the column in the row group, as stored by the writer. */
  readonly min: unknown;
  /** Largest value of the column in the row group, as stored by the writer. */
  readonly max: unknown;
  /** Number of nulls in the column in the row group, or undefined when the writer did not store it. */
  readonly nullCount: number | undefined;
}

/** What a row-group filter sees: the group's index, row count and per-column statistics. */
export interface RowGroupInfo {
  /** Zero-based row-group index. */
  readonly index: number;
  /** Rows in the group. */
  readonly numRows: number;
  /** Index of the group's first row in the file. */
  readonly firstRow: number;
  /** Statistics by column path (`a` or `a.b` for nested), when the writer stored them. */
  readonly columns: Readonly<Record<string, ColumnStatistics | undefined>>;
}

/** Options shared by {@link (parquetSource:1)} and {@link parquetDecode}. */
export interface ParquetReadOptions {
  /** Columns to read (projection); default all. Unread column chunks are not even fetched. */
  readonly columns?: readonly string[];
  /**
   * Decides from a row group's statistics whether to read it (true) or skip it (false),
   * e.g. `(g) => (g.columns.ts?.max as number) >= since`. Skipped groups are counted in
   * the run's stats as nothing read, never as errors.
   */
  readonly rowGroupFilter?: (group: RowGroupInfo) => boolean;
}

/** Lists the row groups of a file with their statistics. */
export function rowGroupInfos(metadata: FileMetaData): RowGroupInfo[] {
  let firstRow = 0;
  return metadata.row_groups.map((g, index) => {
    const columns: Record<string, ColumnStatistics | undefined> = {};
    for (const c of g.columns) {
      const m = c.meta_data;
      if (!m) continue;
      const s = m.statistics;
      columns[m.path_in_schema.join('.')] = s
        ? { min: s.min_value ?? s.min, max: s.max_value ?? s.max, nullCount: s.null_count === undefined ? undefined : Number(s.null_count) }
        : undefined;
    }
    const numRows = Number(g.num_rows);
    const info = { index, numRows, firstRow, columns };
    firstRow += numRows;
    return info;
  });
}

/** File offset of a row group's first column chunk (for error messages). */
export function rowGroupOffset(metadata: FileMetaData, index: number): number | undefined {
  const m = metadata.row_groups[index]?.columns[0]?.meta_data;
  if (!m) return undefined;
  return Number(m.dictionary_page_offset ?? m.data_page_offset);
}

/** Checks caller-given read options. */
export function checkReadOptions(component: string, o: ParquetReadOptions): void {
  if (o.columns !== undefined && !(Array.isArray(o.columns) && o.columns.every((c) => typeof c === 'string'))) {
    throw new InvalidArgumentError(`${component}: \`columns\` must be an array of column names`);
  }
  if (o.rowGroupFilter !== undefined && typeof o.rowGroupFilter !== 'function') {
    throw new InvalidArgumentError(`${component}: \`rowGroupFilter\` must be a function`);
  }
}

/** An AsyncBuffer over bytes in memory. */
export function memoryBuffer(bytes: Uint8Array): AsyncBuffer {
  let ab: ArrayBuffer;
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) ab = bytes.buffer;
  else {
    // Copy with Uint8Array.prototype.set: a Node Buffer's slice() would be a view of a pooled buffer.
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    ab = copy.buffer;
  }
  return { byteLength: ab.byteLength, slice: (start: number, end?: number) => ab.slice(start, end) };
}
