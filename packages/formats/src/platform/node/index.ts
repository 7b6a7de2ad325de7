/**
 * Node entry of `@streamweave/formats`: files on disk read through a decoder or
 * written through an encoder — `readNdjsonFile`, `readJsonFile`, `readCsvFile`,
 * `readMsgpackFile` and their writers, plus the generic `readCodecFile` /
 * `writeCodecFile` that the other formats packages build on, and `chunkedFileReader`, the
 * reading half of their replayable sources over an incremental parser (Avro, Protocol Buffers),
 * and `serialFileWriter`, the writing half of their sinks.
 *
 * @packageDocumentation
 */
export { readCodecFile, writeCodecFile, type ReadFileOptions, type WriteFileOptions, type WriteFileResult } from './codecFile.js';
export { readCsvFile, readJsonFile, readMsgpackFile, readNdjsonFile, writeCsvFile, writeMsgpackFile, writeNdjsonFile } from './formatFiles.js';
export { chunkedFileReader, type ChunkParser, type ChunkedFileReader } from './chunkedFileReader.js';
export { serialFileWriter, type SerialFileWriter, type SerialFileWriterOptions } from './serialFileWriter.js';
