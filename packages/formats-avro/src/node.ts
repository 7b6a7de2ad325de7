/**
 * Node entry of `@streamweave/formats-avro`: Avro container files on disk.
 *
 * @packageDocumentation
 */
export { readAvroFile, writeAvroFile, type ReadAvroFileOptions, type WriteAvroFileOptions, type WriteAvroFileResult } from './node/avroFile.js';
