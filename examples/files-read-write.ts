// Read a log file line by line, transform, write with size rotation, and check the result.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, filter, map, pipeline } from '@streamweave/core';
import { atomicWrite, readGlob, readLines, writeLines } from '@streamweave/files';

const dir = await mkdtemp(join(tmpdir(), 'streamweave-example-'));
try {
  const input = join(dir, 'access.log');
  const lines = Array.from({ length: 1000 }, (_, i) => `${i} GET /page/${i % 7} ${i % 10 === 0 ? 500 : 200}`);
  await writeFile(input, lines.join('\r\n') + '\r\n');

  // Keep the server errors, reshape them, write them into 1 KiB parts.
  const { result, stats } = await pipeline()
    .from(readLines(input))
    .pipe(filter((line: string) => line.endsWith(' 500')))
    .pipe(map((line: string) => ({ id: Number(line.split(' ')[0]), path: line.split(' ')[2] })))
    .to(writeLines<{ id: number; path: string }>(join(dir, 'errors.jsonl'), { rotate: { maxBytes: 1024 } }))
    .run();
  console.log('written:', { files: result.files.length, lines: result.lines, bytes: result.bytes });
  console.log('per-node stats:', stats);

  // Read every part back in order with a glob, and check nothing was lost or reordered.
  const back = await pipeline()
    .from(readGlob('errors-*.jsonl', { cwd: dir }))
    .pipe(map((l: string) => (JSON.parse(l) as { id: number }).id))
    .to(collect<number>())
    .run();
  const expected = lines.map((_, i) => i).filter((i) => i % 10 === 0);
  if (JSON.stringify(back.result) !== JSON.stringify(expected)) throw new Error('read-back ids differ from the written ones');
  if (result.files.length < 2) throw new Error('expected the output to rotate into several parts');

  // Atomic finalize: a summary file appears complete or not at all.
  await atomicWrite(join(dir, 'summary.json'), JSON.stringify({ errors: result.lines, parts: result.files.length }));
  console.log('summary:', await readFile(join(dir, 'summary.json'), 'utf8'));
} finally {
  await rm(dir, { recursive: true, force: true });
}

