import { InvalidArgumentError, type Transformer } from '@streamweave/core';
import { defineCodec, type CodecOptions } from '@streamweave/formats';
import type { RecordBatch, Schema } from 'apache-arrow';
import { ArrowFormatError } from './arrowFormatError.js';
import { inferSchema, misfit, rowsToBatch } from './internal/rows.js';

/** Options of {@link rowsToBatches}. */
export interface RowsToBatchesOptions extends CodecOptions {
  /** Rows per batch (default 10 000). A watermark, barrier or the end of input also ends a batch. */
  readonly batchSize?: number;
  /** Schema; default: inferred from the first batch (strings stay plain Utf8). */
  readonly schema?: Schema;
}

/**
 * Gathers rows into Arrow RecordBatches: the entry into batch mode, where the
 * following operators work on columns (`map((b) => …)` over whole batches)
 * instead of single rows. A row that does not fit the schema is an
 * {@link ArrowFormatError} with its index, routed per the error strategy.
 *
 * @example
 * ```ts
 * pipeline().from(rows).pipe(rowsToBatches({ batchSize: 4096 })).pipe(map((b) => b.numRows)).to(collect());
 * ```
 * @see {@link batchesToRows}
 */
export function rowsToBatches(options: RowsToBatchesOptions = {}): Transformer<Record<string, unknown>, RecordBatch> {
  const batchSize = options.batchSize ?? 10_000;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new InvalidArgumentError(`rowsToBatches: \`batchSize\` must be a positive integer, got ${String(batchSize)}`);
  }
  return defineCodec<Record<string, unknown>, RecordBatch>('rowsToBatches', { batchSize }, options, 'arrow', ArrowFormatError, (sink) => {
    let schema = options.schema;
    let rows: Record<string, unknown>[] = [];
    let indexes: number[] = [];
    let index = 0;
    const flush = () => {
      if (rows.length === 0) return;
      const batch = rows;
      const at = indexes;
      rows = [];
      indexes = [];
      const s = (schema ??= inferSchema(batch));
      const good = batch.filter((row, k) => {
        for (const f of s.fields) {
          const why = misfit(row[f.name], f.type);
          if (why !== undefined) {
            sink.fail({ message: `column ${JSON.stringify(f.name)}: ${why}`, recordIndex: at[k]! }, row);
            return false;
          }
        }
        return true;
      });
      if (good.length > 0) sink.emit(rowsToBatch(s, good));
    };
    return {
      push(row) {
        const recordIndex = index++;
        if (typeof row !== 'object' || row === null || Array.isArray(row)) {
          sink.fail({ message: `a row must be an object, got ${row === null ? 'null' : Array.isArray(row) ? 'array' : typeof row}`, recordIndex }, row);
          return;
        }
        rows.push(row);
        indexes.push(recordIndex);
        if (rows.length >= batchSize) flush();
      },
      flush,
      end: flush,
    };
  });
}
