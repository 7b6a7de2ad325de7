import type { Transformer } from '@streamweave/core';
import { csvEncode, jsonStreamDecode, ndjsonDecode } from '@streamweave/formats';
import { z } from 'zod';

const schema = z.object({ id: z.number(), name: z.string().default('x') });

// The record type is inferred from the schema's output.
const decoded: Transformer<Uint8Array, { id: number; name: string }> = ndjsonDecode({ schema });
const streamed: Transformer<Uint8Array, { id: number; name: string }> = jsonStreamDecode({ schema, path: '$.items[*]' });
void decoded;
void streamed;

// @ts-expect-error the schema says id is a number, not a string
const wrong: Transformer<Uint8Array, { id: string }> = ndjsonDecode({ schema });
void wrong;

// @ts-expect-error csvEncode takes objects or arrays, not numbers
const badRecords: Transformer<number, Uint8Array> = csvEncode();
void badRecords;
