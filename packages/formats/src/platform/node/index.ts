/**
 * Node entry of `@streamweave/formats`: files on disk read through a decoder or
 * written through an encoder — `readNdjsonFile`, `readJsonFile`, `readCsvFile`,
 * `readMsgpackFile` and their writers, plus the generic `readCodecFile` /
 * `writeCodecFile` that the other formats packages build on.
 *
 * @packageDocumentation
 */
export { readCodecFile, writeCodecFile, type ReadFileOptions, type WriteFileOptions, type WriteFileResult } from './codecFile.js';
export { readCsvFile, readJsonFile, readMsgpackFile, readNdjsonFile, writeCsvFile, writeMsgpackFile, writeNdjsonFile } from './formatFiles.js';
