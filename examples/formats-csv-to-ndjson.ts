// Convert a CSV file to NDJSON with typed columns; a malformed row goes to the dead-letter route.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, type DeadLetter, onError, pipeline } from '@streamweave/core';
import { readChunks, writeChunks } from '@streamweave/files';
import { type CsvError, csvDecode, ndjsonDecode, ndjsonEncode } from '@streamweave/formats';

const dir = await mkdtemp(join(tmpdir(), 'streamweave-formats-'));
try {
  const input = join(dir, 'people.csv');
  const output = join(dir, 'people.ndjson');
  await writeFile(input, '\uFEFFid,name,joined,active\r\n1,"Smith, Jane",2024-01-02,true\r\n2,"O""Brien\r\nSean",2023-05-06,false\r\nx,Broken,2020-01-01,true\r\n3,Åsa,2022-12-31,1\r\n');

  const { result, stats, deadLetter } = await pipeline()
    .from(readChunks(input, { chunkSize: 16 }))
    .pipe(csvDecode({ source: input, columns: { id: 'integer', joined: 'date', active: 'boolean' } }))
    .pipe(ndjsonEncode())
    .to(writeChunks(output))
    .run({ errors: onError.deadLetter(), deadLetter: collect<DeadLetter>() });
  const dead = deadLetter as DeadLetter[];
  console.log('written:', result, 'stats:', stats);
  console.log('dead letters:', dead.map((d) => d.error.message));

  // Self-check: read the NDJSON back and compare.
  const back = await pipeline().from(readChunks(output)).pipe(ndjsonDecode()).to(collect()).run();
  const expected = [
    { id: 1, name: 'Smith, Jane', joined: '2024-01-02T00:00:00.000Z', active: true },
    { id: 2, name: "O'Brien\r\nSean".replace("'", '"'), joined: '2023-05-06T00:00:00.000Z', active: false },
    { id: 3, name: 'Åsa', joined: '2022-12-31T00:00:00.000Z', active: true },
  ];
  if (JSON.stringify(back.result) !== JSON.stringify(expected)) throw new Error(`unexpected output ${JSON.stringify(back.result)}`);
  const err = dead[0]?.error as CsvError | undefined;
  if (dead.length !== 1 || err?.line !== 5 || err.recordIndex !== 2) throw new Error(`unexpected dead letters ${JSON.stringify(dead.map((d) => d.error.message))}`);
  console.log('NDJSON output:\n' + (await readFile(output, 'utf8')));
} finally {
  await rm(dir, { recursive: true, force: true });
}
