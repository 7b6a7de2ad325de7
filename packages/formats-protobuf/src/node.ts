/**
 * Node entry of `@streamweave/formats-protobuf`: `.proto` loading and
 * length-delimited files on disk.
 *
 * @packageDocumentation
 */
export { loadProtoType, type LoadProtoTypeOptions } from './node/loadProtoType.js';
export {
  readProtobufFile,
  writeProtobufFile,
  type ReadProtobufFileOptions,
  type WriteProtobufFileOptions,
  type WriteProtobufFileResult,
} from './node/protobufFile.js';
