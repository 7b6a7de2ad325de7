import { defineProducer, InvalidArgumentError, type JsonValue, type NodeOptions, type Producer } from '@streamweave/core';
import { type AsyncBuffer, type FileMetaData, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { checkReadOptions, memoryBuffer, type ParquetReadOptions, type RowGroupInfo, rowGroupInfos, rowGroupOffset } from './internal/rowGroups.js';
import { checkChunksMatchSchema, checkRowGroupPages } from './internal/pageHeaders.js';
import { ParquetFormatError } from './parquetFormatError.js';

/** Options of {@link (parquetSource:1)}. */
export interface ParquetSourceOptions extends ParquetReadOptions, NodeOptions {
  /** Name of the file or object, put into every error. */
  readonly source?: string;
  /**
   * `rows` (default): one item per row. `rowGroups`: one item per row group, the array of its
   * rows — batch mode for columnar or bulk steps, without the per-row cost of the pipeline.
   */
  readonly output?: 'rows' | 'rowGroups';
}

/**
 * Reads a Parquet file row group by row group and emits its rows as plain
 * objects, decoding the next row group only when downstream has credit: memory
 * holds one row group's rows, whatever the file size. Reads only the projected
 * `columns`, skips row groups that `rowGroupFilter` rejects from their min/max
 * statistics, and is replayable: its checkpoint position is
 * `{ rowGroup, row }`, and `seek` resumes there.
 *
 * The file is any `AsyncBuffer` (`{ byteLength, slice(start, end) }`): bytes in
 * memory, an HTTP range reader (hyparquet's `asyncBufferFromUrl`) or a local
 * file (hyparquet's `asyncBufferFromFile`, in Node). All
 * Parquet codecs are read (snappy, zstd, gzip, brotli, lz4).
 *
 * A missing footer, corrupt metadata and a row group that cannot be decoded
 * raise {@link ParquetFormatError} with source, byte offset and record index;
 * a bad row group is skipped (and counted) under Skip or dead-letter.
 *
 * @example
 * ```ts
 * pipeline().from(parquetSource(bytes, { columns: ['id', 'ts'], rowGroupFilter: (g) => (g.columns.ts?.max as number) > since }))
 *   .to(collect());
 * ```
 * @see {@link parquetDecode} for Parquet bytes arriving as a stream
 * @see {@link parquetEncode}
 */
export function parquetSource<T = Record<string, unknown>>(file: Uint8Array | ArrayBuffer | AsyncBuffer, options?: ParquetSourceOptions & { output?: 'rows' }): Producer<T>;
/** Reads Parquet data (bytes or an AsyncBuffer) row group by row group, emitting one array of rows per group (`output: 'rowGroups'`). */
export function parquetSource<T = Record<string, unknown>>(file: Uint8Array | ArrayBuffer | AsyncBuffer, options: ParquetSourceOptions & { output: 'rowGroups' }): Producer<T[]>;
export function parquetSource<T>(file: Uint8Array | ArrayBuffer | AsyncBuffer, options: ParquetSourceOptions = {}): Producer<T> {
  const buffer = toAsyncBuffer(file);
  // Bytes in memory: page headers are checked before hyparquet decodes a row group (see checkRowGroupPages).
  const bytes = file instanceof Uint8Array ? file : file instanceof ArrayBuffer ? new Uint8Array(file) : undefined;
  checkReadOptions('parquetSource', options);
  const groupsOut = options.output === 'rowGroups';
  if (options.output !== undefined && options.output !== 'rows' && !groupsOut) {
    throw new InvalidArgumentError(`parquetSource: \`output\` must be 'rows' or 'rowGroups', got ${String(options.output)}`);
  }
  const source = options.source;
  return defineProducer<T>('parquetSource', { columns: options.columns ?? null, output: options.output ?? 'rows', ...(source === undefined ? {} : { source }) }, options, (ctx) => {
    let metadata: FileMetaData | undefined;
    let groups: RowGroupInfo[] = [];
    let group = 0;
    let row = 0;
    let rows: Record<string, unknown>[] = [];
    let loaded = -1;
    let position = 0;
    const error = (message: string, cause: unknown, extra: { byteOffset?: number; recordIndex?: number }) =>
      new ParquetFormatError(message, { format: 'parquet', ...(source === undefined ? {} : { source }), ...extra, cause, component: ctx.component, position });
    /** Routes a failure; returns true when the source should go on, throws when it must stop. */
    const fail = (e: ParquetFormatError): true => {
      for (let attempt = 1; ; attempt++) {
        const d = ctx.fail(e, undefined, position, attempt);
        if (d.action === 'stop') throw d.error;
        if (d.action !== 'retry' || attempt >= 100) return true;
      }
    };
    const open = async () => {
      try {
        metadata = await parquetMetadataAsync(buffer);
      } catch (e) {
        throw error(`cannot read the Parquet footer`, e, { byteOffset: Math.max(0, buffer.byteLength - 8), recordIndex: 0 });
      }
      groups = rowGroupInfos(metadata);
    };
    return {
      async pull(emit, demand) {
        if (metadata === undefined) await open();
        let emitted = 0;
        while (emitted < demand) {
          if (group >= groups.length) return false;
          const info = groups[group]!;
          if (loaded !== group) {
            if (options.rowGroupFilter && !options.rowGroupFilter(info)) {
              group++;
              row = 0;
              continue;
            }
            try {
              if (bytes !== undefined) checkRowGroupPages(bytes, metadata!, group, options.columns);
              else checkChunksMatchSchema(metadata!, group, options.columns);
              rows = (await parquetReadObjects({
                file: buffer,
                metadata: metadata!,
                ...(options.columns ? { columns: [...options.columns] } : {}),
                rowStart: info.firstRow,
                rowEnd: info.firstRow + info.numRows,
                compressors,
                utf8: false, // unannotated BYTE_ARRAY stays bytes; STRING columns are still decoded as text
              })) as Record<string, unknown>[];
              loaded = group;
            } catch (e) {
              const offset = rowGroupOffset(metadata!, group);
              fail(error(`cannot decode row group ${group}`, e, { recordIndex: info.firstRow, ...(offset === undefined ? {} : { byteOffset: offset }) }));
              position += info.numRows;
              group++;
              row = 0;
              continue;
            }
          }
          if (groupsOut) {
            // One item per row group (from `row` on, after a seek inside the group).
            emit((row === 0 ? rows : rows.slice(row)) as T);
            emitted++;
            position += rows.length - row;
            row = rows.length;
          }
          while (row < rows.length && emitted < demand) {
            emit(rows[row++] as T);
            emitted++;
            position++;
          }
          if (row >= rows.length) {
            group++;
            row = 0;
            rows = [];
          }
        }
        return true;
      },
      position(): JsonValue {
        return { rowGroup: group, row };
      },
      seek(p: JsonValue) {
        const pos = p as { rowGroup?: unknown; row?: unknown };
        if (typeof pos !== 'object' || pos === null || !Number.isInteger(pos.rowGroup) || !Number.isInteger(pos.row)) {
          throw new InvalidArgumentError(`parquetSource: cannot seek to ${JSON.stringify(p)}; expected { rowGroup, row }`);
        }
        group = pos.rowGroup as number;
        row = pos.row as number;
        loaded = -1;
      },
    };
  });
}

function toAsyncBuffer(file: Uint8Array | ArrayBuffer | AsyncBuffer): AsyncBuffer {
  if (file instanceof Uint8Array) return memoryBuffer(file);
  if (file instanceof ArrayBuffer) return memoryBuffer(new Uint8Array(file));
  if (file && typeof file === 'object' && typeof file.byteLength === 'number' && typeof file.slice === 'function') return file;
  throw new InvalidArgumentError('parquetSource: `file` must be a Uint8Array, an ArrayBuffer or an AsyncBuffer ({ byteLength, slice })');
}
