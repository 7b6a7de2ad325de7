// Type-level checks: what must (and must not) compile. Checked by `pnpm typecheck`.
import { map, pipeline, type Producer } from '@streamweave/core';
import { readChunks, readGlob, readLines, writeChunks, writeLines } from './index.js';

const lines: Producer<string> = readGlob('*.log');
const chunks: Producer<Uint8Array> = readGlob('*.bin', { as: 'chunks' });
void lines;
void chunks;

// @ts-expect-error chunks mode does not produce strings
const wrong: Producer<string> = readGlob('*.bin', { as: 'chunks' });
void wrong;

pipeline().from(readChunks('a.bin')).to(writeChunks('b.bin'));
pipeline().from(readLines('a.txt')).to(writeLines('b.txt'));
pipeline()
  .from(readLines('a.txt'))
  .pipe(map((l: string) => ({ l })))
  .to(writeLines<{ l: string }>('b.txt', { format: (o) => o.l }));

// @ts-expect-error lines are strings, not bytes
pipeline().from(readLines('a.txt')).to(writeChunks('b.bin'));

// @ts-expect-error format receives the item type
writeLines<number>('b.txt', { format: (n: string) => n });
