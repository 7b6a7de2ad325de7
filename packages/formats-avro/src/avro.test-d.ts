// Type-level tests: what must not compile (checked by `tsc --noEmit` in `pnpm typecheck`).
import { collect, fromArray, pipeline, type Transformer } from '@streamweave/core';
import { avroDecode, avroEncode, confluentAvroEncode, InMemorySchemaRegistry } from '@streamweave/formats-avro';

const decoded: Transformer<Uint8Array, { id: number }> = avroDecode<{ id: number }>();
const encoded: Transformer<{ id: number }, Uint8Array> = avroEncode<{ id: number }>({ schema: 'int' });
void decoded;
void encoded;

// @ts-expect-error the writer schema is required
avroEncode({});
// @ts-expect-error only null, deflate and snappy are supported
avroEncode({ schema: 'int', codec: 'zstd' });
// @ts-expect-error the Confluent encoder needs a subject
confluentAvroEncode({ registry: new InMemorySchemaRegistry(), schema: 'int' });

// @ts-expect-error avroDecode takes bytes, not numbers
pipeline().from(fromArray([1, 2])).pipe(avroDecode()).to(collect());
