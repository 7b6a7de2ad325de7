/**
 * @streamweave/formats-protobuf
 *
 * @packageDocumentation
 */
export {};
