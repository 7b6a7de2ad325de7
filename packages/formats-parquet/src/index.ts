/**
 * `@streamweave/formats-parquet`: Apache Parquet for StreamWeave, on hyparquet
 * and hyparquet-writer (pure JavaScript, browser-safe). Streaming reads by row
 * group with column projection and statistics-based row-group skipping, and
 * writes with row-group size and snappy / zstd compression.
 *
 * @packageDocumentation
 */
export { ParquetFormatError } from './parquetFormatError.js';
export { parquetSource, type ParquetSourceOptions } from './parquetSource.js';
export { parquetDecode, type ParquetDecodeOptions } from './parquetDecode.js';
export {
  parquetEncode,
  type ParquetColumn,
  type ParquetColumnType,
  type ParquetCompressor,
  type ParquetEncodeOptions,
} from './parquetEncode.js';
export { zstdCompressors } from './zstdCompressors.js';
export type { ColumnStatistics, ParquetReadOptions, RowGroupInfo } from './internal/rowGroups.js';
