import { mkdtemp, rm, writeFile, appendFile, chmod, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkpointBarrier,
  collect,
  InvalidArgumentError,
  type NodeContext,
  onError,
  pipeline,
  type Producer,
  StreamWeaveError,
  VirtualClock,
} from '@streamweave/core';
import { advanceAndSettle, collectElements, driveUntilSettled, expectNoLeakedTimers, formatElements } from '@streamweave/testing';
import { FileError, readLines } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-readlines-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, content);
  return p;
}

async function lines(path: string, options: Parameters<typeof readLines>[1] = {}): Promise<string[]> {
  return (await pipeline().from(readLines(path, options)).to(collect()).run({ creditWindow: 3 })).result;
}

/** Opens a reader directly, to check position()/seek() between pulls. */
function openReader<T>(p: Producer<T>) {
  const ctx = {
    id: 'r',
    descriptor: p.descriptor,
    component: { id: 'r', type: p.descriptor.type },
    clock: new VirtualClock(),
    signal: new AbortController().signal,
    stats: { in: 0, out: 0, errors: 0, skipped: 0 },
    fail: (cause: unknown) => ({ action: 'stop', error: cause }),
    hold: () => ({ release() {}, run: (fn: () => unknown) => fn() }),
    hooks: undefined,
    extensions: {},
  } as unknown as NodeContext;
  const reader = p.open(ctx);
  return {
    reader,
    async pull(n: number): Promise<{ items: T[]; more: boolean }> {
      const items: T[] = [];
      const more = await reader.pull((x) => items.push(x as T), n);
      return { items, more };
    },
  };
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  // Real file I/O completes on libuv's thread pool: give it real turns, bounded.
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('readLines', () => {
  it('splits on \\n and \\r\\n, keeps empty lines and a last line without newline', async () => {
    const p = await file('a.txt', 'one\r\ntwo\n\nthree\r\n\r\nfour');
    expect(await lines(p)).toEqual(['one', 'two', '', 'three', '', 'four']);
  });

  it('emits no extra line after a final newline, nothing for an empty file', async () => {
    expect(await lines(await file('b.txt', 'x\ny\n'))).toEqual(['x', 'y']);
    expect(await lines(await file('c.txt', ''))).toEqual([]);
    expect(await lines(await file('d.txt', '\n'))).toEqual(['']);
  });

  it('decodes UTF-8 characters split across chunk boundaries, for every chunk size', async () => {
    const text = 'héllo wörld\r\n😀 ünïcödé ✓\nżółć\n日本語のテキスト';
    const p = await file('u.txt', text);
    const expected = ['héllo wörld', '😀 ünïcödé ✓', 'żółć', '日本語のテキスト'];
    for (const highWaterMark of [1, 2, 3, 4, 5, 7, 13, 64]) {
      expect(await lines(p, { highWaterMark })).toEqual(expected);
    }
  });

  it('decodes latin1 when asked', async () => {
    const p = await file('l.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x62]));
    expect(await lines(p, { encoding: 'latin1' })).toEqual(['café', 'b']);
  });

  it('reports the byte offset after the last emitted line and resumes there with seek()', async () => {
    const p = await file('p.txt', 'ä\r\nbb\nccc');
    const r = openReader(readLines(p, { highWaterMark: 2 }));
    expect(r.reader.position!()).toBe(0);
    expect(await r.pull(1)).toEqual({ items: ['ä'], more: true });
    expect(r.reader.position!()).toBe(4);
    expect(await r.pull(1)).toEqual({ items: ['bb'], more: true });
    expect(r.reader.position!()).toBe(7);
    expect(await r.pull(5)).toEqual({ items: ['ccc'], more: false });
    expect(r.reader.position!()).toBe(10);
    await r.reader.seek!(4);
    expect(await r.pull(5)).toEqual({ items: ['bb', 'ccc'], more: false });
    await r.reader.close!();
  });

  it('starts at fromOffset, and restores a checkpointed position through the runtime', async () => {
    const p = await file('o.txt', 'a\nbb\nccc\n');
    expect(await lines(p, { fromOffset: 2 })).toEqual(['bb', 'ccc']);
    const { result } = await pipeline()
      .from(readLines(p))
      .to(collect())
      .run({ restore: { positions: { readLines: 5 } } });
    expect(result).toEqual(['ccc']);
  });

  it('records its position at an injected checkpoint barrier', async () => {
    const clock = new VirtualClock();
    const p = await file('cp.txt', 'a\nb\nc\n');
    const positions: unknown[] = [];
    const into: unknown[] = [];
    const handle = pipeline()
      .from(readLines(p, { follow: true }))
      .to(collectElements({ into }))
      .start({ clock, checkpoints: { onSourceBarrier: (_id, _b, pos) => positions.push(pos) } });
    await waitFor(() => into.length === 3, 'three lines');
    expect(handle.injectBarrier(checkpointBarrier(1, 0))).toEqual(['readLines']);
    handle.drain();
    await handle.result;
    expect(positions).toEqual([6]);
    expect(formatElements(into)).toEqual(['"a"', '"b"', '"c"', 'B(1)', 'EOS']);
  });

  it('fails a missing file with a FileError naming component, path, offset and code', async () => {
    const missing = join(dir, 'nope.txt');
    const error = await pipeline().from(readLines(missing)).to(collect()).run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect((error as FileError).message).toBe(
      `[readLines "readLines"] cannot open file (it does not exist) (file ${missing}, byte offset 0): ENOENT: no such file or directory, open '${missing}'`,
    );
    expect(error).toMatchObject({ path: missing, offset: 0, code: 'ENOENT', component: { id: 'readLines', type: 'readLines' } });
  });

  it('counts a stopped failure once in the stats', async () => {
    const handle = pipeline().from(readLines(join(dir, 'nope.txt'), { name: 'src' })).to(collect()).start();
    await expect(handle.result).rejects.toThrow(FileError);
    expect(handle.stats()['src']).toEqual({ in: 0, out: 0, errors: 1, skipped: 0 });
  });

  it('skips an unreadable file under the skip strategy (the source then ends), counting it', async () => {
    const handle = pipeline().from(readLines(join(dir, 'nope.txt'), { name: 'src', errors: onError.skip() })).to(collect()).start();
    const r = await handle.result;
    expect(r.result).toEqual([]);
    expect(r.stats['src']).toEqual({ in: 0, out: 0, errors: 1, skipped: 1 });
  });

  it('retries opening under the retry strategy, on the run clock', async () => {
    const p = join(dir, 'late.txt');
    const clock = new VirtualClock();
    const handle = pipeline()
      .from(readLines(p, { errors: onError.retry({ maxAttempts: 5, initialDelayMs: 100, jitter: 0 }) }))
      .to(collect())
      .start({ clock });
    await waitFor(() => handle.stats()['readLines']!.errors === 1, 'the first failed attempt');
    await writeFile(p, 'finally\n');
    const { result, stats } = await driveUntilSettled(clock, handle.result);
    expect(result).toEqual(['finally']);
    expect(stats['readLines']).toEqual({ in: 0, out: 1, errors: 1, skipped: 0 });
    expect(clock.now()).toBe(100);
  });

  it('stops after the retry strategy is exhausted, with exactly maxAttempts attempts', async () => {
    const clock = new VirtualClock();
    const handle = pipeline()
      .from(readLines(join(dir, 'never.txt'), { errors: onError.retry({ maxAttempts: 3, initialDelayMs: 100, factor: 2, jitter: 0 }) }))
      .to(collect())
      .start({ clock });
    const error = await driveUntilSettled(clock, handle.result).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect(handle.stats()['readLines']).toEqual({ in: 0, out: 0, errors: 3, skipped: 0 });
    // Backoff 100 + 200 ms, on the run's clock.
    expect(clock.now()).toBe(300);
  });

  it('reports a permission error', async () => {
    if (process.getuid?.() === 0) {
      console.log('skipping the permission check: running as root, which may read any file');
      return;
    }
    const p = await file('secret.txt', 'x\n');
    await chmod(p, 0o000);
    const error = await lines(p).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EACCES', path: p, offset: 0 });
    expect((error as Error).message).toContain('cannot open file (permission denied)');
  });

  it('fails an over-long line naming the file and the line start offset', async () => {
    const p = await file('long.txt', 'ok\n0123456789\nok2\n');
    const error = await lines(p, { maxLineLength: 5, highWaterMark: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect((error as FileError).offset).toBe(3);
    expect((error as Error).message).toContain(`line longer than maxLineLength=5 bytes (file ${p}, byte offset 3)`);
  });

  it('drops only the over-long line under skip, also when it has no newline yet in the buffer', async () => {
    const p = await file('long2.txt', 'ok\n0123456789abcdef\nfine\nxxxxxxxxxxxxxx');
    for (const highWaterMark of [3, 64]) {
      const r = await pipeline()
        .from(readLines(p, { maxLineLength: 5, highWaterMark, errors: onError.skip() }))
        .to(collect())
        .run();
      expect(r.result).toEqual(['ok', 'fine']);
      expect(r.stats['readLines']).toMatchObject({ errors: 2, skipped: 2 });
    }
  });

  it('accepts a line of exactly maxLineLength bytes with a CRLF split across chunks', async () => {
    const p = await file('exact.txt', '12345\r\n678');
    expect(await lines(p, { maxLineLength: 5, highWaterMark: 6 })).toEqual(['12345', '678']);
  });

  it('follows a growing file on the virtual clock, holding a partial last line, until drained', async () => {
    const clock = new VirtualClock();
    const p = await file('tail.log', 'first\n');
    const into: unknown[] = [];
    const handle = pipeline()
      .from(readLines(p, { follow: true, pollIntervalMs: 1000 }))
      .to(collectElements({ into }))
      .start({ clock });
    await waitFor(() => into.length === 1, 'the first line');
    await appendFile(p, 'second\nthi');
    await advanceAndSettle(clock, 1000);
    await waitFor(() => into.length === 2, 'the second line');
    await advanceAndSettle(clock, 1000);
    expect(into).toEqual(['first', 'second']);
    await appendFile(p, 'rd\r\n');
    await advanceAndSettle(clock, 1000);
    await waitFor(() => into.length === 3, 'the third line');
    expect(into).toEqual(['first', 'second', 'third']);
    handle.drain();
    const { status } = await handle.result;
    expect(status).toBe('drained');
    expectNoLeakedTimers(clock);
  });

  it('fails in follow mode when the file shrinks', async () => {
    const clock = new VirtualClock();
    const p = await file('shrink.log', 'aaaa\nbbbb\n');
    const into: unknown[] = [];
    const handle = pipeline().from(readLines(p, { follow: true })).to(collectElements({ into })).start({ clock });
    await waitFor(() => into.length === 2, 'two lines');
    await truncate(p, 2);
    const error = await driveUntilSettled(clock, handle.result).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect((error as Error).message).toContain('file shrank to 2 bytes while being followed');
    expect((error as FileError).offset).toBe(10);
  });

  it('rejects bad options with InvalidArgumentError', () => {
    expect(() => readLines('')).toThrow(InvalidArgumentError);
    expect(() => readLines(3 as never)).toThrow('readLines: `path` must be a non-empty string, got number');
    expect(() => readLines('x', { encoding: 'utf16le' as never })).toThrow('readLines: `encoding` must be one of utf8, latin1, ascii');
    expect(() => readLines('x', { highWaterMark: 0 })).toThrow('readLines: `highWaterMark` must be a positive integer, got 0');
    expect(() => readLines('x', { fromOffset: -1 })).toThrow('readLines: `fromOffset` must be a non-negative integer byte offset, got -1');
    expect(() => readLines('x', { maxLineLength: 1.5 })).toThrow(StreamWeaveError);
  });

  it('rejects a malformed seek position', async () => {
    const p = await file('s.txt', 'a\n');
    const r = openReader(readLines(p));
    expect(() => r.reader.seek!('x')).toThrow('readLines: `position` must be a non-negative integer byte offset, got "x"');
  });
});
