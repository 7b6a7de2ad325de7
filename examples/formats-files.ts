// File sources and sinks per format: CSV file → NDJSON file and back, with the file named in every error.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, type DeadLetter, onError, pipeline } from '@streamweave/core';
import type { CsvError } from '@streamweave/formats';
import { readCsvFile, readJsonFile, readNdjsonFile, writeNdjsonFile } from '@streamweave/formats/node';

const dir = await mkdtemp(join(tmpdir(), 'streamweave-formats-files-'));
try {
  const csv = join(dir, 'people.csv');
  const ndjson = join(dir, 'people.ndjson');
  await writeFile(csv, 'id,name,age\n1,"Smith, Jane",41\n2,Åsa,x\n3,Sean,7\n');

  const run = await pipeline()
    .from(readCsvFile(csv, { columns: { id: 'integer', age: 'integer' }, chunkBytes: 8 }))
    .to(writeNdjsonFile(ndjson))
    .run({ errors: onError.deadLetter(), deadLetter: collect<DeadLetter>() });
  const dead = run.deadLetter as DeadLetter[];
  console.log('written:', run.result);
  console.log('dead letters:', dead.map((d) => d.error.message));

  const back = await pipeline().from(readNdjsonFile(ndjson)).to(collect()).run();
  const expected = [
    { id: 1, name: 'Smith, Jane', age: 41 },
    { id: 3, name: 'Sean', age: 7 },
  ];
  if (JSON.stringify(back.result) !== JSON.stringify(expected)) throw new Error(`unexpected output ${JSON.stringify(back.result)}`);
  const e = dead[0]?.error as CsvError | undefined;
  // Record #1 starts on line 3, at byte 31.
  if (dead.length !== 1 || e?.source !== csv || e.line !== 3 || e.byteOffset !== 31 || e.recordIndex !== 1) {
    throw new Error(`unexpected dead letters ${JSON.stringify(dead.map((d) => d.error.message))}`);
  }
  if ((await readFile(ndjson, 'utf8')) !== '{"id":1,"name":"Smith, Jane","age":41}\n{"id":3,"name":"Sean","age":7}\n') throw new Error('unexpected NDJSON file');

  // One big JSON document, streamed by path.
  const dump = join(dir, 'dump.json');
  await writeFile(dump, JSON.stringify({ meta: {}, data: { items: back.result } }));
  const items = await pipeline().from(readJsonFile(dump, { path: '$.data.items[*]', chunkBytes: 16 })).to(collect()).run();
  if (JSON.stringify(items.result) !== JSON.stringify(expected)) throw new Error('unexpected JSON items');
  console.log('ok: CSV → NDJSON → JSON path round trip');
} finally {
  await rm(dir, { recursive: true, force: true });
}
