/// <reference types="node" />
/** Arrow IPC files on the local file system (Node): arrowDecode / arrowEncode run against a file. */
import type { Consumer, Producer } from '@streamweave/core';
import { readCodecFile, type ReadFileOptions, writeCodecFile, type WriteFileOptions, type WriteFileResult } from '@streamweave/formats/node';
import type { RecordBatch } from 'apache-arrow';
import { type ArrowDecodeOptions, arrowDecode } from '../../arrowDecode.js';
import { type ArrowEncodeOptions, arrowEncode } from '../../arrowEncode.js';

/**
 * Reads an Arrow IPC file (file or stream format, told apart by its magic
 * bytes) one chunk at a time: rows by default, RecordBatches with
 * `output: 'batches'`. Errors are `ArrowFormatError`s naming the file, the
 * byte offset and the record index.
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(readArrowFile('trips.arrow')).to(collect()).run();
 * ```
 * @see {@link writeArrowFile}, `arrowDecode`
 */
export function readArrowFile<T = Record<string, unknown>>(path: string, options?: ArrowDecodeOptions & ReadFileOptions & { output?: 'rows' }): Producer<T>;
/** Reads an Arrow IPC file one chunk at a time as whole `RecordBatch`es (`output: 'batches'`). */
export function readArrowFile(path: string, options: ArrowDecodeOptions & ReadFileOptions & { output: 'batches' }): Producer<RecordBatch>;
export function readArrowFile(path: string, options: ArrowDecodeOptions & ReadFileOptions = {}): Producer<unknown> {
  return readCodecFile(path, arrowDecode({ ...options, source: options.source ?? path } as ArrowDecodeOptions & { output?: 'rows' }), options);
}

/**
 * Writes rows (or RecordBatches) to an Arrow IPC file, stream format by default
 * or file format with `format: 'file'`, one record batch per `batchSize` rows
 * and at every checkpoint barrier.
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(rows)).to(writeArrowFile('rows.arrow', { format: 'file' })).run(); // { records, bytes }
 * ```
 * @see {@link (readArrowFile:1)}, `arrowEncode`
 */
export function writeArrowFile<T = Record<string, unknown> | RecordBatch>(path: string, options: ArrowEncodeOptions & WriteFileOptions = {}): Consumer<T, WriteFileResult> {
  return writeCodecFile<T>(path, arrowEncode<T>({ ...options, source: options.source ?? path }), options);
}
