import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArray, InvalidArgumentError, onError, pipeline, range, map, VirtualClock } from '@streamweave/core';
import { advanceAndSettle, fromTimeline } from '@streamweave/testing';
import { FileError, writeLines } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-writelines-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !(await check()); i++) await new Promise((r) => setTimeout(r, 5));
  if (!(await check())) throw new Error(`timed out waiting for ${what}`);
}

describe('writeLines', () => {
  it('writes strings as lines and objects through format, and resolves a summary', async () => {
    const out = join(dir, 'out.txt');
    const { result } = await pipeline().from(fromArray(['a', 'bé'])).to(writeLines(out)).run();
    expect(result).toEqual({ files: [out], lines: 2, bytes: 6 });
    expect(await readFile(out, 'utf8')).toBe('a\nbé\n');

    const json = join(dir, 'out.jsonl');
    const r2 = await pipeline()
      .from(fromArray([{ id: 1 }, { id: 2 }]))
      .to(writeLines<{ id: number }>(json, { format: (o) => `id=${o.id}`, newline: '\r\n' }))
      .run();
    expect(await readFile(json, 'utf8')).toBe('id=1\r\nid=2\r\n');
    expect(r2.result.bytes).toBe(12);
  });

  it('writes non-strings as JSON by default, appends when asked, and creates an empty file for no input', async () => {
    const out = join(dir, 'o.txt');
    await pipeline().from(fromArray<unknown>([1, { a: true }])).to(writeLines(out)).run();
    await pipeline().from(fromArray(['more'])).to(writeLines(out, { append: true })).run();
    expect(await readFile(out, 'utf8')).toBe('1\n{"a":true}\nmore\n');
    const empty = join(dir, 'empty.txt');
    const { result } = await pipeline().from(fromArray<string>([])).to(writeLines(empty)).run();
    expect(result).toEqual({ files: [empty], lines: 0, bytes: 0 });
    expect(await readFile(empty, 'utf8')).toBe('');
  });

  it('rotates by size into numbered parts, never splitting a line', async () => {
    const out = join(dir, 'log.txt');
    const { result } = await pipeline()
      .from(fromArray(['aaaa', 'bbbb', 'cc', 'dddddddddddd', 'e']))
      .to(writeLines(out, { rotate: { maxBytes: 10 } }))
      .run();
    const parts = [0, 1, 2, 3].map((i) => join(dir, `log-0000${i}.txt`));
    expect(result).toEqual({ files: parts, lines: 5, bytes: 28 });
    expect(await Promise.all(parts.map((p) => readFile(p, 'utf8')))).toEqual(['aaaa\nbbbb\n', 'cc\n', 'dddddddddddd\n', 'e\n']);
  });

  it('rotates by time on the run clock, without empty parts, with custom part names', async () => {
    const clock = new VirtualClock();
    const out = join(dir, 'events.log');
    const run = pipeline()
      .from(
        fromTimeline([
          { at: 0, value: 'a' },
          { at: 500, value: 'b' },
          { at: 1500, value: 'c' },
          { at: 5000, value: 'd' },
          { at: 5000, end: true },
        ]),
      )
      .to(writeLines<string>(out, { rotate: { intervalMs: 1000, partName: (p, i) => `${p}.${i}` } }))
      .run({ clock });
    await advanceAndSettle(clock, 1000);
    // The first part is closed at its interval, before any later line arrives.
    await waitFor(async () => (await readFile(`${out}.0`, 'utf8')) === 'a\nb\n', 'part 0 to be complete');
    await advanceAndSettle(clock, 4000);
    await advanceAndSettle(clock, 0);
    const { result } = await run;
    expect(result).toEqual({ files: [`${out}.0`, `${out}.1`, `${out}.2`], lines: 4, bytes: 8 });
    expect(await readFile(`${out}.1`, 'utf8')).toBe('c\n');
    expect(await readFile(`${out}.2`, 'utf8')).toBe('d\n');
    expect(clock.pendingTimers).toBe(0);
  });

  it('waits for the disk under backpressure and writes every line in order', async () => {
    const out = join(dir, 'big.txt');
    const { result } = await pipeline()
      .from(range(0, 20_000))
      .pipe(map((i: number) => `line ${i} ${'x'.repeat(50)}`))
      .to(writeLines(out, { highWaterMark: 1024 }))
      .run({ creditWindow: 16 });
    const content = await readFile(out, 'utf8');
    const lines = content.split('\n');
    expect(lines).toHaveLength(20_001);
    expect(lines[19_999]).toBe(`line 19999 ${'x'.repeat(50)}`);
    expect(result.bytes).toBe(Buffer.byteLength(content));
  });

  it('fails with a FileError naming the file when its directory does not exist', async () => {
    const out = join(dir, 'missing', 'out.txt');
    const error = await pipeline().from(fromArray(['a', 'b'])).to(writeLines(out)).run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect(error).toMatchObject({ path: out, code: 'ENOENT', component: { type: 'writeLines' } });
    expect((error as Error).message).toContain(`cannot write file (its directory does not exist) (file ${out}, byte offset`);
  });

  it('fails writing over a directory, also after a drain wait', async () => {
    const error = await pipeline()
      .from(range(0, 5000))
      .pipe(map((i: number) => `${i}`.repeat(20)))
      .to(writeLines(dir, { highWaterMark: 16 }))
      .run()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect(error).toMatchObject({ path: dir, code: 'EISDIR' });
  });

  it('routes a failing format through the error strategy', async () => {
    const out = join(dir, 'f.txt');
    const { result, stats } = await pipeline()
      .from(fromArray([1, 2, 3]))
      .to(
        writeLines<number>(out, {
          format: (n) => {
            if (n === 2) throw new Error('unformattable');
            return String(n);
          },
          errors: onError.skip(),
        }),
      )
      .run();
    expect(await readFile(out, 'utf8')).toBe('1\n3\n');
    expect(result.lines).toBe(2);
    expect(stats['writeLines']).toMatchObject({ errors: 1, skipped: 1 });
    const bad = await pipeline()
      .from(fromArray([1]))
      .to(writeLines<number>(out, { format: () => 5 as never }))
      .run()
      .catch((e: unknown) => e);
    expect((bad as Error).message).toContain('format returned number instead of a string');
  });

  it('rejects bad options', () => {
    expect(() => writeLines('')).toThrow(InvalidArgumentError);
    expect(() => writeLines('x', { format: 'x' as never })).toThrow('writeLines: `format` must be a function, got string');
    expect(() => writeLines('x', { newline: 1 as never })).toThrow('writeLines: `newline` must be a string');
    expect(() => writeLines('x', { encoding: 'klingon' as never })).toThrow('writeLines: unknown encoding klingon');
    expect(() => writeLines('x', { rotate: {} })).toThrow('writeLines: `rotate` needs maxBytes and/or intervalMs');
    expect(() => writeLines('x', { rotate: null as never })).toThrow('writeLines: `rotate` must be an object');
    expect(() => writeLines('x', { rotate: { maxBytes: 0 } })).toThrow('writeLines: `rotate.maxBytes` must be a positive integer, got 0');
    expect(() => writeLines('x', { rotate: { intervalMs: 5, partName: 3 as never } })).toThrow('`rotate.partName` must be a function');
  });

  it('leaves nothing open after a cancelled run', async () => {
    const clock = new VirtualClock();
    const out = join(dir, 'c.txt');
    const handle = pipeline()
      .from(fromTimeline([{ at: 0, value: 'a' }]))
      .to(writeLines<string>(out, { rotate: { intervalMs: 100 } }))
      .start({ clock });
    await advanceAndSettle(clock, 10);
    handle.cancel();
    await expect(handle.result).rejects.toThrow('cancelled');
    expect(clock.pendingTimers).toBe(0);
    expect(await readdir(dir)).toEqual(['c-00000.txt']);
    await writeFile(join(dir, 'done'), '');
  });
});
