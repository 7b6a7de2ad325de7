/**
 * `@streamweave/files`: file producers and consumers for Node — replayable line and
 * chunk readers with tail mode, glob reading, rotating line/chunk writers, and the
 * atomic temp-file-and-rename building block of exactly-once file sinks.
 *
 * @packageDocumentation
 */
export { FileError, type FileErrorOptions } from './fileError.js';
export { readLines, type ReadLinesOptions } from './readLines.js';
export { readChunks, type ReadChunksOptions } from './readChunks.js';
export { readGlob, type GlobPosition, type ReadGlobOptions } from './readGlob.js';
export { writeLines, type WriteLinesOptions, type WriteLinesSummary } from './writeLines.js';
export { writeChunks, type WriteChunksOptions, type WriteChunksSummary } from './writeChunks.js';
export type { RotateOptions } from './internal/rotatingWriter.js';
export type { LineEncoding } from './internal/options.js';
export { AtomicFileWriter, atomicWrite, openAtomic } from './atomicFileWriter.js';
