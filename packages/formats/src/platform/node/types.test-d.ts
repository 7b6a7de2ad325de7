import type { Consumer, Producer } from '@streamweave/core';
import { readCsvFile, readNdjsonFile, writeCsvFile, type WriteFileResult } from '@streamweave/formats/node';
import { z } from 'zod';

const schema = z.object({ id: z.number() });

// File sources infer the record type from the schema, like their decoders.
const events: Producer<{ id: number }> = readNdjsonFile('events.ndjson', { schema, chunkBytes: 4096 });
void events;

// @ts-expect-error the schema says id is a number
const wrong: Producer<{ id: string }> = readNdjsonFile('events.ndjson', { schema });
void wrong;

const rows: Producer<Record<string, unknown>> = readCsvFile('people.csv', { delimiter: ';' });
void rows;

const sink: Consumer<{ a: number }, WriteFileResult> = writeCsvFile<{ a: number }>('out.csv', { append: true });
void sink;

// @ts-expect-error writeCsvFile takes objects or arrays, not numbers
const badSink: Consumer<number, WriteFileResult> = writeCsvFile<number>('out.csv');
void badSink;
