/// <reference types="node" />
/** Parquet files on the local file system (Node): row-group reads through file ranges, and a file sink. */
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { type Consumer, InvalidArgumentError, type Producer } from '@streamweave/core';
import { writeCodecFile, type WriteFileOptions, type WriteFileResult } from '@streamweave/formats/node';
import type { AsyncBuffer } from 'hyparquet';
import { type ParquetEncodeOptions, parquetEncode } from '../../parquetEncode.js';
import { parquetSource, type ParquetSourceOptions } from '../../parquetSource.js';

/**
 * Reads a Parquet file row group by row group (`parquetSource`): only the
 * footer and the byte ranges of the projected columns of the row groups kept by
 * `rowGroupFilter` are read from disk, so memory holds one row group whatever
 * the file size. Replayable (`{ rowGroup, row }` positions); errors are
 * `ParquetFormatError`s naming the file.
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(readParquetFile('trips.parquet', { columns: ['id', 'fare'] })).to(collect()).run();
 * ```
 * @see {@link writeParquetFile}, `parquetSource`
 */
export function readParquetFile<T = Record<string, unknown>>(path: string, options?: ParquetSourceOptions & { output?: 'rows' }): Producer<T>;
/** Reads a Parquet file row group by row group, emitting one array of rows per row group (`output: 'rowGroups'`). */
export function readParquetFile<T = Record<string, unknown>>(path: string, options: ParquetSourceOptions & { output: 'rowGroups' }): Producer<T[]>;
export function readParquetFile(path: string, options: ParquetSourceOptions = {}): Producer<unknown> {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('readParquetFile: `path` must be a non-empty string');
  return parquetSource(fileRanges(path), { ...options, source: options.source ?? path } as ParquetSourceOptions & { output?: 'rows' });
}

/**
 * Writes rows to a Parquet file (`parquetEncode`: one row group per
 * `rowGroupSize` rows and at every checkpoint barrier, snappy / zstd / gzip
 * compression), created or truncated, synced and closed at the end.
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(rows)).to(writeParquetFile('rows.parquet', { compression: 'zstd' })).run(); // { records, bytes }
 * ```
 * @see {@link (readParquetFile:1)}, `parquetEncode`
 */
export function writeParquetFile<T = Record<string, unknown>>(path: string, options: ParquetEncodeOptions & WriteFileOptions = {}): Consumer<T, WriteFileResult> {
  if (options.append === true) throw new InvalidArgumentError('writeParquetFile: a Parquet file cannot be appended to (its footer ends it)');
  return writeCodecFile<T>(path, parquetEncode<T>({ ...options, source: options.source ?? path }), options);
}

/**
 * An AsyncBuffer over a file: its size is read when first asked for, each byte
 * range by its own open/read/close (a row group is a few ranges, and no handle
 * outlives a read).
 */
function fileRanges(path: string): AsyncBuffer {
  let size: number | undefined;
  return {
    get byteLength(): number {
      size ??= statSync(path).size;
      return size;
    },
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const fh: FileHandle = await openFile(path, 'r');
      try {
        const to = end ?? (await fh.stat()).size;
        const buf = new Uint8Array(Math.max(0, to - start));
        let done = 0;
        while (done < buf.length) {
          const { bytesRead } = await fh.read(buf, done, buf.length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return buf.buffer.slice(0, done);
      } finally {
        await fh.close();
      }
    },
  };
}
