// Avro: write a snappy container file, read it back with a newer reader schema (schema evolution),
// survive a corrupt block with the dead-letter route, and send records in the Confluent wire format.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, type DeadLetter, fromArray, onError, pipeline } from '@streamweave/core';
import {
  AvroError,
  type AvroBadBlock,
  avroDecode,
  confluentAvroDecode,
  confluentAvroEncode,
  InMemorySchemaRegistry,
} from '@streamweave/formats-avro';
import { readAvroFile, writeAvroFile } from '@streamweave/formats-avro/node';

const orderV1 = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'int' },
    { name: 'customer', type: 'string' },
    { name: 'total', type: 'double' },
  ],
};
// v2 renames customer → buyer (alias), widens id to long and adds a field with a default.
const orderV2 = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'buyer', type: 'string', aliases: ['customer'] },
    { name: 'total', type: 'double' },
    { name: 'currency', type: 'string', default: 'EUR' },
  ],
};
const orders = Array.from({ length: 1000 }, (_, i) => ({ id: i, customer: `c${i % 37}`, total: Math.round(i * 12.5) / 10 }));

const dir = mkdtempSync(join(tmpdir(), 'streamweave-avro-example-'));
try {
  // 1. Write a container file with snappy blocks, read it back as v2.
  const file = join(dir, 'orders.avro');
  const written = await pipeline().from(fromArray(orders)).to(writeAvroFile(file, { schema: orderV1, codec: 'snappy', blockBytes: 4000 })).run();
  const { result: v2 } = await pipeline().from(readAvroFile<{ buyer: string; currency: string }>(file, { readerSchema: orderV2 })).to(collect()).run();
  console.log(`wrote ${written.result.records} orders (${written.result.bytes} bytes), read ${v2.length} as v2:`, { ...v2[1] });
  if (v2.length !== 1000 || v2[1]!.buyer !== 'c1' || v2[1]!.currency !== 'EUR') throw new Error('schema evolution failed');

  // 2. Corrupt one block: the decoder reports it (naming file, byte offset, record index), routes its bytes to the
  //    dead-letter consumer and reads the rest.
  const bytes = readFileSync(file);
  const marker = bytes.subarray(bytes.length - 16);
  const secondBlock = bytes.indexOf(marker, bytes.indexOf(marker) + 16) + 16;
  bytes[secondBlock + 6] = bytes[secondBlock + 6]! ^ 0xff;
  writeFileSync(file, bytes);
  const damaged = await pipeline()
    .from(fromArray([readFileSync(file)]))
    .pipe(avroDecode({ name: 'decode', source: file, errors: onError.deadLetter() }))
    .to(collect())
    .run({ deadLetter: collect<DeadLetter<AvroBadBlock>>() });
  const letter = (damaged.deadLetter as DeadLetter<AvroBadBlock>[])[0]!;
  const error = letter.error as AvroError;
  console.log(`corrupt block: ${error.message.split(': ').slice(0, 2).join(': ')}`);
  console.log(`kept ${damaged.result.length} records, dead-lettered a block of ${letter.item.lostRecords} (skipped count ${damaged.stats['decode']!.skipped})`);
  if (damaged.result.length + letter.item.lostRecords! !== 1000 || !(error instanceof AvroError)) throw new Error('corrupt block not accounted for');

  // 3. Confluent wire format with a schema registry (in memory here; HttpSchemaRegistry talks to a real one).
  const registry = new InMemorySchemaRegistry();
  const { result: messages } = await pipeline()
    .from(fromArray(orders.slice(0, 3)))
    .pipe(confluentAvroEncode({ registry, subject: 'orders-value', schema: orderV1 }))
    .to(collect())
    .run();
  const { result: decoded } = await pipeline().from(fromArray(messages)).pipe(confluentAvroDecode({ registry, readerSchema: orderV2 })).to(collect()).run();
  console.log('confluent message bytes:', Buffer.from(messages[1]!).toString('hex'), '→', { ...(decoded[1] as object) });
  if (messages[1]![0] !== 0 || (decoded[1] as { buyer: string }).buyer !== 'c1') throw new Error('confluent round trip failed');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
