import { defineTransformer, InvalidArgumentError, isEndOfStream, type NodeOptions, type Signal, type Transformer } from '@streamweave/core';
import { asBytes } from '@streamweave/formats';
import { type FileMetaData, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { checkReadOptions, memoryBuffer, type ParquetReadOptions, rowGroupInfos, rowGroupOffset } from './internal/rowGroups.js';
import { checkRowGroupPages } from './internal/pageHeaders.js';
import { ParquetFormatError } from './parquetFormatError.js';

/** Options of {@link parquetDecode}. */
export interface ParquetDecodeOptions extends ParquetReadOptions, NodeOptions {
  /** Name of the byte source (file, object key, URL), put into every error. */
  readonly source?: string;
  /** Most bytes buffered before the file can be read (bounds memory); default 1 GiB. */
  readonly maxBytes?: number;
}

/**
 * Decodes Parquet bytes arriving as a stream of chunks (an HTTP body, an S3
 * object stream) into rows. Parquet keeps its metadata in a footer at the end,
 * so the bytes are buffered until the input ends (EndOfStream or completion);
 * then row groups are decoded one at a time, with projection and statistics
 * skipping as in {@link (parquetSource:1)}. Signals that arrive while bytes are
 * buffered pass at once (the rows follow them); EndOfStream waits for the rows. When the file is at hand
 * (memory, a local path, an HTTP range reader), prefer {@link (parquetSource:1)},
 * which reads by range and backpressures per row group.
 *
 * Truncated input, a missing footer and corrupt pages are
 * {@link ParquetFormatError}s naming the source, byte offset and record index;
 * a row group that cannot be decoded is skipped (and counted) under Skip or dead-letter.
 *
 * @example
 * ```ts
 * pipeline().from(httpBodyChunks).pipe(parquetDecode({ source: url, columns: ['id'] })).to(collect());
 * ```
 * @see {@link (parquetSource:1)}
 * @see {@link parquetEncode}
 */
export function parquetDecode<T = Record<string, unknown>>(options: ParquetDecodeOptions = {}): Transformer<Uint8Array, T> {
  checkReadOptions('parquetDecode', options);
  const maxBytes = options.maxBytes ?? 1024 * 1024 * 1024;
  if (!(Number.isInteger(maxBytes) && maxBytes > 0)) throw new InvalidArgumentError(`parquetDecode: \`maxBytes\` must be a positive integer, got ${String(maxBytes)}`);
  const source = options.source;
  return defineTransformer<Uint8Array, T>('parquetDecode', { columns: options.columns ?? null, maxBytes, ...(source === undefined ? {} : { source }) }, options, (out, ctx) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    let position = 0;
    let stopped = false;
    let started = false;
    let finished = false;
    let pendingComplete = false;
    const error = (message: string, cause: unknown, extra: { byteOffset?: number; recordIndex?: number }) =>
      new ParquetFormatError(message, { format: 'parquet', ...(source === undefined ? {} : { source }), ...extra, ...(cause === undefined ? {} : { cause }), component: ctx.component, position });
    const fail = (e: ParquetFormatError, item: unknown): boolean => {
      for (let attempt = 1; ; attempt++) {
        const d = ctx.fail(e, item, position, attempt);
        if (d.action === 'stop') {
          stopped = true;
          out.error(d.error);
          return false;
        }
        if (d.action !== 'retry' || attempt >= 100) return true;
      }
    };
    const decode = async () => {
      const bytes = new Uint8Array(total);
      let o = 0;
      for (const c of chunks) {
        bytes.set(c, o);
        o += c.length;
      }
      chunks.length = 0;
      const file = memoryBuffer(bytes);
      let metadata: FileMetaData;
      try {
        metadata = await parquetMetadataAsync(file);
      } catch (e) {
        fail(error(`cannot read the Parquet footer (truncated or not Parquet)`, e, { byteOffset: Math.max(0, total - 8), recordIndex: 0 }), undefined);
        return;
      }
      for (const info of rowGroupInfos(metadata)) {
        if (stopped) return;
        if (options.rowGroupFilter && !options.rowGroupFilter(info)) continue;
        let rows: Record<string, unknown>[];
        try {
          checkRowGroupPages(bytes, metadata, info.index, options.columns);
          rows = (await parquetReadObjects({
            file,
            metadata,
            ...(options.columns ? { columns: [...options.columns] } : {}),
            rowStart: info.firstRow,
            rowEnd: info.firstRow + info.numRows,
            compressors,
            utf8: false, // unannotated BYTE_ARRAY stays bytes; STRING columns are still decoded as text
          })) as Record<string, unknown>[];
        } catch (e) {
          const offset = rowGroupOffset(metadata, info.index);
          if (!fail(error(`cannot decode row group ${info.index}`, e, { recordIndex: info.firstRow, ...(offset === undefined ? {} : { byteOffset: offset }) }), undefined)) return;
          continue;
        }
        for (const row of rows) {
          if (stopped) return;
          ctx.stats.out++;
          out.next(row as T);
        }
      }
    };
    const start = () => {
      if (started) return;
      started = true;
      if (total === 0) {
        finish();
        return;
      }
      decode().then(finish, (e: unknown) => {
        if (!stopped) fail(error(`cannot read the Parquet data`, e, {}), undefined);
      });
    };
    /** Signals that arrived once decoding had started: they follow the rows (EndOfStream above all). */
    const heldSignals: Signal[] = [];
    const finish = () => {
      finished = true;
      for (const s of heldSignals.splice(0)) if (!stopped) out.next(s);
      if (pendingComplete && !stopped) out.complete();
    };
    return {
      item(chunk, pos) {
        position = pos;
        if (stopped || started) return;
        const bytes = asBytes(chunk);
        if (bytes === undefined) {
          fail(error('expected a Uint8Array chunk', undefined, { byteOffset: total, recordIndex: 0 }), chunk);
          return;
        }
        total += bytes.length;
        if (total > maxBytes) {
          fail(error(`more than maxBytes (${maxBytes}) of Parquet data buffered`, undefined, { byteOffset: total, recordIndex: 0 }), undefined);
          return;
        }
        chunks.push(bytes.slice()); // the upstream may reuse its buffer
      },
      signal(s) {
        if (stopped) return;
        if (isEndOfStream(s) && !started) {
          heldSignals.push(s);
          start();
          return;
        }
        if (started && !finished) heldSignals.push(s);
        else out.next(s);
      },
      complete() {
        pendingComplete = true;
        if (!started) start();
        else if (finished && !stopped) out.complete();
      },
      teardown() {
        stopped = true;
      },
    };
  });
}
