/**
 * Node entry of `@streamweave/formats-parquet`: Parquet files on disk.
 *
 * @packageDocumentation
 */
export { readParquetFile, writeParquetFile } from './parquetFile.js';
