import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArray, pipeline } from '@streamweave/core';
import { readChunks, writeChunks } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-writechunks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeChunks', () => {
  it('copies a file chunk by chunk', async () => {
    const src = join(dir, 'in.bin');
    const data = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
    await writeFile(src, data);
    const dst = join(dir, 'out.bin');
    const { result } = await pipeline().from(readChunks(src, { chunkSize: 4096 })).to(writeChunks(dst)).run();
    expect(result).toEqual({ files: [dst], chunks: 25, bytes: 100_000 });
    expect((await readFile(dst)).equals(data)).toBe(true);
  });

  it('rotates by size without splitting a chunk, appends when asked', async () => {
    const dst = join(dir, 'part.bin');
    const chunks = [Buffer.from('aaa'), Buffer.from('bbb'), Buffer.from('cccc')];
    const { result } = await pipeline().from(fromArray<Uint8Array>(chunks)).to(writeChunks(dst, { rotate: { maxBytes: 6 } })).run();
    expect(result.files).toEqual([join(dir, 'part-00000.bin'), join(dir, 'part-00001.bin')]);
    expect(await readFile(result.files[0]!, 'latin1')).toBe('aaabbb');
    expect(await readFile(result.files[1]!, 'latin1')).toBe('cccc');
    await pipeline().from(fromArray<Uint8Array>([Buffer.from('!')])).to(writeChunks(result.files[1]!, { append: true })).run();
    expect(await readFile(result.files[1]!, 'latin1')).toBe('cccc!');
  });

  it('fails on items that are not bytes, naming the item', async () => {
    await expect(
      pipeline().from(fromArray<Uint8Array>(['text' as never])).to(writeChunks(join(dir, 'x.bin'))).run(),
    ).rejects.toThrow('[writeChunks "writeChunks", item #0, attempt 1] failed: expected a Uint8Array, got string');
    await expect(
      pipeline().from(fromArray<Uint8Array>([null as never])).to(writeChunks(join(dir, 'y.bin'))).run(),
    ).rejects.toThrow('expected a Uint8Array, got null');
  });

  it('rejects bad options', () => {
    expect(() => writeChunks('')).toThrow('writeChunks: `path` must be a non-empty string, got an empty string');
    expect(() => writeChunks('x', { highWaterMark: 0 })).toThrow('writeChunks: `highWaterMark` must be a positive integer, got 0');
  });
});
