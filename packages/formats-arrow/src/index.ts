/**
 * `@streamweave/formats-arrow`: Apache Arrow IPC (stream and file formats) as
 * decode/encode transformers, and a batch mode in which operators pass
 * RecordBatches instead of rows.
 *
 * @packageDocumentation
 */
export { ArrowFormatError } from './arrowFormatError.js';
export { arrowDecode, type ArrowDecodeOptions } from './arrowDecode.js';
export { arrowEncode, type ArrowEncodeOptions } from './arrowEncode.js';
export { rowsToBatches, type RowsToBatchesOptions } from './rowsToBatches.js';
export { batchesToRows } from './batchesToRows.js';
