/**
 * File sources and sinks of the browser-safe formats (NDJSON, streaming JSON,
 * CSV, MessagePack): each is the format's codec run by readCodecFile /
 * writeCodecFile, with the file path as the errors' source.
 */
import type { Consumer, Producer } from '@streamweave/core';
import { type CsvDecodeOptions, csvDecode } from '../../csv/csvDecode.js';
import { type CsvEncodeOptions, csvEncode } from '../../csv/csvEncode.js';
import { type JsonStreamDecodeOptions, jsonStreamDecode } from '../../json/jsonStreamDecode.js';
import { type NdjsonDecodeOptions, ndjsonDecode } from '../../json/ndjsonDecode.js';
import { type NdjsonEncodeOptions, ndjsonEncode } from '../../json/ndjsonEncode.js';
import { type MsgpackDecodeOptions, msgpackDecode } from '../../msgpack/msgpackDecode.js';
import { type MsgpackEncodeOptions, msgpackEncode } from '../../msgpack/msgpackEncode.js';
import { codecFileSink, codecFileSource, type ReadFileOptions, type WriteFileOptions, type WriteFileResult } from './codecFile.js';

const withSource = <O extends { readonly source?: string }>(options: O, file: string): O => ({ ...options, source: options.source ?? file });

/**
 * Reads an NDJSON / JSON Lines file record by record (`ndjsonDecode` over
 * the file's chunks, errors naming the file, line, byte offset and record).
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(readNdjsonFile<Event>('events.ndjson', { schema: eventSchema })).to(collect()).run();
 * ```
 * @see {@link writeNdjsonFile}, {@link readCodecFile}
 */
export function readNdjsonFile<T = unknown>(file: string, options: NdjsonDecodeOptions<T> & ReadFileOptions = {}): Producer<T> {
  return codecFileSource<T>('readNdjsonFile', file, ndjsonDecode<T>(withSource(options, file)), options);
}

/**
 * Writes records to an NDJSON file, one JSON text per line (`ndjsonEncode`).
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(events)).to(writeNdjsonFile('events.ndjson')).run(); // { records, bytes }
 * ```
 * @see {@link readNdjsonFile}, {@link writeCodecFile}
 */
export function writeNdjsonFile<T = unknown>(file: string, options: NdjsonEncodeOptions & WriteFileOptions = {}): Consumer<T, WriteFileResult> {
  return codecFileSink<T>('writeNdjsonFile', file, ndjsonEncode<T>(withSource(options, file)), options);
}

/**
 * Streams the values at a JSON path of one (possibly huge) JSON file, such as
 * the elements of its top-level array (`jsonStreamDecode`: memory holds
 * one chunk and the values decoded from it).
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(readJsonFile('dump.json', { path: '$.data.items[*]' })).to(collect()).run();
 * ```
 * @see {@link readNdjsonFile}, {@link readCodecFile}
 */
export function readJsonFile<T = unknown>(file: string, options: JsonStreamDecodeOptions<T> & ReadFileOptions = {}): Producer<T> {
  return codecFileSource<T>('readJsonFile', file, jsonStreamDecode<T>(withSource(options, file)), options);
}

/**
 * Reads a CSV file record by record (`csvDecode`: RFC 4180, dialects,
 * header, typed columns; errors naming the file, line, byte offset and record).
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(readCsvFile('people.csv', { columns: { age: 'integer' } })).to(collect()).run();
 * ```
 * @see {@link writeCsvFile}, {@link readCodecFile}
 */
export function readCsvFile<T = Record<string, unknown>>(file: string, options: CsvDecodeOptions & ReadFileOptions = {}): Producer<T> {
  return codecFileSource<T>('readCsvFile', file, csvDecode<T>(withSource(options, file)), options);
}

/**
 * Writes records (objects or arrays) to a CSV file with correct quoting (`csvEncode`).
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(people)).to(writeCsvFile('people.csv', { delimiter: ';' })).run();
 * ```
 * @see {@link readCsvFile}, {@link writeCodecFile}
 */
export function writeCsvFile<T extends object = Record<string, unknown>>(file: string, options: CsvEncodeOptions & WriteFileOptions = {}): Consumer<T, WriteFileResult> {
  return codecFileSink<T>('writeCsvFile', file, csvEncode<T>(withSource(options, file)), options);
}

/**
 * Reads a file of concatenated MessagePack values (`msgpackDecode`).
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(readMsgpackFile('values.msgpack')).to(collect()).run();
 * ```
 * @see {@link writeMsgpackFile}, {@link readCodecFile}
 */
export function readMsgpackFile<T = unknown>(file: string, options: MsgpackDecodeOptions & ReadFileOptions = {}): Producer<T> {
  return codecFileSource<T>('readMsgpackFile', file, msgpackDecode<T>(withSource(options, file)), options);
}

/**
 * Writes records as concatenated MessagePack values (`msgpackEncode`).
 *
 * @example
 * ```ts
 * await pipeline().from(fromArray(values)).to(writeMsgpackFile('values.msgpack')).run();
 * ```
 * @see {@link readMsgpackFile}, {@link writeCodecFile}
 */
export function writeMsgpackFile<T = unknown>(file: string, options: MsgpackEncodeOptions & WriteFileOptions = {}): Consumer<T, WriteFileResult> {
  return codecFileSink<T>('writeMsgpackFile', file, msgpackEncode<T>(withSource(options, file)), options);
}
