import type { NodeOptions, Transformer } from '@streamweave/core';
import { defineCodec } from '@streamweave/formats';
import type { RecordBatch } from 'apache-arrow';
import { ArrowFormatError } from './arrowFormatError.js';
import { batchRows } from './internal/rows.js';

/**
 * Turns RecordBatches back into rows (plain objects): the way out of batch mode.
 *
 * @example
 * ```ts
 * pipeline().from(batches).pipe(batchesToRows()).to(collect()); // [{ id: 1, … }, …]
 * ```
 * @see {@link rowsToBatches}
 */
export function batchesToRows<T = Record<string, unknown>>(options: NodeOptions = {}): Transformer<RecordBatch, T> {
  return defineCodec<RecordBatch, T>('batchesToRows', {}, options, 'arrow', ArrowFormatError, (sink) => ({
    push(batch) {
      for (const row of batchRows(batch)) sink.emit(row as T);
    },
    end() {},
  }));
}
