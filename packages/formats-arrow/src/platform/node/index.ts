/**
 * Node entry of `@streamweave/formats-arrow`: Arrow IPC files on disk.
 *
 * @packageDocumentation
 */
export { readArrowFile, writeArrowFile } from './arrowFile.js';
