import { appendFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, onError, pipeline, VirtualClock } from '@streamweave/core';
import { advanceAndSettle, collectElements, driveUntilSettled, expectNoLeakedTimers } from '@streamweave/testing';
import { FileError, readChunks } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-readchunks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const text = (chunks: Uint8Array[]) => chunks.map((c) => Buffer.from(c).toString('latin1'));

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('readChunks', () => {
  it('emits chunkSize chunks and a shorter last one', async () => {
    const p = join(dir, 'a.bin');
    await writeFile(p, 'abcdefghij');
    const { result } = await pipeline().from(readChunks(p, { chunkSize: 4 })).to(collect()).run({ creditWindow: 2 });
    expect(text(result)).toEqual(['abcd', 'efgh', 'ij']);
    expect(result[0]).toBeInstanceOf(Uint8Array);
  });

  it('starts at fromOffset and resumes a restored position', async () => {
    const p = join(dir, 'b.bin');
    await writeFile(p, 'abcdefghij');
    const a = await pipeline().from(readChunks(p, { chunkSize: 4, fromOffset: 3 })).to(collect()).run();
    expect(text(a.result)).toEqual(['defg', 'hij']);
    const b = await pipeline().from(readChunks(p, { chunkSize: 4 })).to(collect()).run({ restore: { positions: { readChunks: 8 } } });
    expect(text(b.result)).toEqual(['ij']);
    await expect(
      pipeline().from(readChunks(p)).to(collect()).run({ restore: { positions: { readChunks: 'x' } } }),
    ).rejects.toThrow('readChunks: `position` must be a non-negative integer byte offset, got "x"');
  });

  it('follows a growing file and reports its position at a barrier', async () => {
    const clock = new VirtualClock();
    const p = join(dir, 'c.bin');
    await writeFile(p, 'abc');
    const into: unknown[] = [];
    const positions: unknown[] = [];
    const handle = pipeline()
      .from(readChunks(p, { chunkSize: 4, follow: true, pollIntervalMs: 50 }))
      .to(collectElements({ into }))
      .start({ clock, checkpoints: { onSourceBarrier: (_i, _b, pos) => positions.push(pos) } });
    await waitFor(() => into.length === 1, 'the first chunk');
    await appendFile(p, 'defgh');
    await advanceAndSettle(clock, 50);
    await waitFor(() => into.length === 3, 'the appended bytes');
    expect(text(into as Uint8Array[])).toEqual(['abc', 'defg', 'h']);
    handle.injectBarrier(new (await import('@streamweave/core')).CheckpointBarrier(1, 0));
    handle.drain();
    expect((await handle.result).status).toBe('drained');
    expect(positions).toEqual([8]);
    expectNoLeakedTimers(clock);
  });

  it('fails in follow mode when the file shrinks', async () => {
    const clock = new VirtualClock();
    const p = join(dir, 'd.bin');
    await writeFile(p, 'abcdef');
    const into: unknown[] = [];
    const handle = pipeline().from(readChunks(p, { follow: true })).to(collectElements({ into })).start({ clock });
    await waitFor(() => into.length === 1, 'the first chunk');
    await truncate(p, 1);
    await expect(driveUntilSettled(clock, handle.result)).rejects.toThrow('file shrank to 1 bytes while being followed');
  });

  it('fails a missing file naming it, and ends the source under skip', async () => {
    const missing = join(dir, 'none.bin');
    await expect(pipeline().from(readChunks(missing)).to(collect()).run()).rejects.toThrow(FileError);
    const r = await pipeline().from(readChunks(missing, { errors: onError.skip() })).to(collect()).run();
    expect(r.result).toEqual([]);
    expect(r.stats['readChunks']).toEqual({ in: 0, out: 0, errors: 1, skipped: 1 });
  });

  it('reports a read failure (a directory) with its offset', async () => {
    const error = await pipeline().from(readChunks(dir)).to(collect()).run().catch((e: unknown) => e);
    expect(error).toMatchObject({ path: dir, offset: 0, code: 'EISDIR' });
    expect((error as Error).message).toContain('cannot read file');
  });

  it('rejects bad options', () => {
    expect(() => readChunks('x', { chunkSize: -4 })).toThrow('readChunks: `chunkSize` must be a positive integer, got -4');
    expect(() => readChunks('x', { fromOffset: 0.5 })).toThrow('readChunks: `fromOffset` must be a non-negative integer byte offset');
    expect(() => readChunks('x', { pollIntervalMs: 0 })).toThrow('readChunks: `pollIntervalMs` must be a positive integer');
  });
});
