import { mkdir, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, InvalidArgumentError, onError, pipeline, VirtualClock } from '@streamweave/core';
import { FileError, readGlob, type ReadGlobOptions } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-readglob-'));
  await mkdir(join(dir, 'logs/2024/01'), { recursive: true });
  await mkdir(join(dir, 'logs/2024/02'), { recursive: true });
  await writeFile(join(dir, 'logs/b.log'), 'b1\nb2\n');
  await writeFile(join(dir, 'logs/a.log'), 'a1\na2');
  await writeFile(join(dir, 'logs/c.txt'), 'c1\n');
  await writeFile(join(dir, 'logs/.hidden.log'), 'h1\n');
  await writeFile(join(dir, 'logs/2024/01/x.log'), 'x1\n');
  await writeFile(join(dir, 'logs/2024/02/y.log'), 'y1\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(pattern: string, options: ReadGlobOptions & { as?: 'lines' } = {}): Promise<string[]> {
  return (await pipeline().from(readGlob(pattern, { cwd: dir, ...options })).to(collect()).run()).result;
}

describe('readGlob', () => {
  it('reads the lines of every matching file in sorted path order, skipping dot files', async () => {
    expect(await run('logs/*.log')).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(await run('logs/*.log', { dot: true })).toEqual(['h1', 'a1', 'a2', 'b1', 'b2']);
  });

  it('supports **, ?, [..], {a,b} and absolute patterns', async () => {
    expect(await run('logs/**/*.log')).toEqual(['x1', 'y1', 'a1', 'a2', 'b1', 'b2']);
    expect(await run('**/?.txt')).toEqual(['c1']);
    expect(await run('logs/[ab].log')).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(await run('logs/[!a].log')).toEqual(['b1', 'b2']);
    expect(await run('logs/{a.log,c.txt}')).toEqual(['a1', 'a2', 'c1']);
    expect(await run(`${dir}/logs/2024/*/*.log`)).toEqual(['x1', 'y1']);
    expect(await run('logs/2024/**')).toEqual(['x1', 'y1']);
    expect(await run('logs/a.log')).toEqual(['a1', 'a2']);
  });

  it('matches nothing when the base directory is missing', async () => {
    expect(await run('nowhere/*.log')).toEqual([]);
  });

  it('reads byte chunks with as: chunks', async () => {
    const { result } = await pipeline().from(readGlob('logs/*.log', { cwd: dir, as: 'chunks', chunkSize: 3 })).to(collect()).run();
    expect(result.map((c) => Buffer.from(c).toString())).toEqual(['a1\n', 'a2', 'b1\n', 'b2\n']);
  });

  it('reports {file, offset} positions and resumes from one, also between files', async () => {
    const a = join(dir, 'logs/a.log');
    const b = join(dir, 'logs/b.log');
    const resume = async (position: unknown) =>
      (await pipeline().from(readGlob('logs/*.log', { cwd: dir })).to(collect()).run({ restore: { positions: { readGlob: position as never } } })).result;
    expect(await resume({ file: a, offset: 3 })).toEqual(['a2', 'b1', 'b2']);
    expect(await resume({ file: a, offset: 5 })).toEqual(['b1', 'b2']);
    expect(await resume({ file: b, offset: 3 })).toEqual(['b2']);
    // A file deleted since the checkpoint: continue with the next one in sorted order.
    expect(await resume({ file: join(dir, 'logs/ab.log'), offset: 2 })).toEqual(['b1', 'b2']);
    expect(await resume({ file: join(dir, 'logs/zz.log'), offset: 0 })).toEqual([]);
    expect(await resume({ file: '', offset: 0 })).toEqual(['a1', 'a2', 'b1', 'b2']);
    await expect(resume('nope')).rejects.toThrow('readGlob: a position must be {file, offset}, got "nope"');
  });

  it('reports {file, offset} after each pull, the end of the finished file between files', async () => {
    const clock = new VirtualClock();
    const positions: unknown[] = [];
    const into: unknown[] = [];
    const producer = readGlob('logs/*.log', { cwd: dir });
    const ctx = {
      id: 'g',
      descriptor: producer.descriptor,
      component: { id: 'g', type: 'readGlob' },
      clock,
      signal: new AbortController().signal,
      stats: { in: 0, out: 0, errors: 0, skipped: 0 },
      fail: (cause: unknown) => ({ action: 'stop', error: cause }),
      hold: () => ({ release() {}, run: (fn: () => unknown) => fn() }),
      hooks: undefined,
      extensions: {},
    };
    const reader = producer.open(ctx as never);
    positions.push(reader.position!());
    await reader.pull((x) => into.push(x), 2);
    positions.push(reader.position!());
    await reader.pull((x) => into.push(x), 1);
    positions.push(reader.position!());
    await reader.seek!({ file: join(dir, 'logs/b.log'), offset: 0 });
    positions.push(reader.position!());
    expect(await reader.pull((x) => into.push(x), 10)).toBe(false);
    positions.push(reader.position!());
    await reader.close!();
    expect(into).toEqual(['a1', 'a2', 'b1', 'b1', 'b2']);
    expect(positions).toEqual([
      { file: '', offset: 0 },
      { file: join(dir, 'logs/a.log'), offset: 5 },
      { file: join(dir, 'logs/b.log'), offset: 3 },
      { file: join(dir, 'logs/b.log'), offset: 0 },
      { file: join(dir, 'logs/b.log'), offset: 6 },
    ]);
  });

  it('skips an unreadable file under skip and continues with the next', async () => {
    if (process.getuid?.() === 0) {
      console.log('skipping the unreadable-file check: running as root, which may read any file');
      return;
    }
    await chmod(join(dir, 'logs/a.log'), 0o000);
    const r = await pipeline().from(readGlob('logs/*.log', { cwd: dir, errors: onError.skip() })).to(collect()).run();
    expect(r.result).toEqual(['b1', 'b2']);
    expect(r.stats['readGlob']).toMatchObject({ errors: 1, skipped: 1 });
    const error = await run('logs/*.log').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect(error).toMatchObject({ path: join(dir, 'logs/a.log'), code: 'EACCES' });
  });

  it('drops over-long lines under skip and keeps reading the same file', async () => {
    await writeFile(join(dir, 'logs/a.log'), 'a1\naaaaaaaaaa\na3\n');
    const r = await pipeline().from(readGlob('logs/*.log', { cwd: dir, maxLineLength: 4, errors: onError.skip() })).to(collect()).run();
    expect(r.result).toEqual(['a1', 'a3', 'b1', 'b2']);
  });

  it('fails when the directory cannot be listed', async () => {
    if (process.getuid?.() === 0) {
      console.log('skipping the unlistable-directory check: running as root');
      return;
    }
    await chmod(join(dir, 'logs'), 0o000);
    try {
      await expect(run('logs/*.log')).rejects.toThrow('cannot list files matching "logs/*.log"');
      const r = await pipeline().from(readGlob('logs/*.log', { cwd: dir, errors: onError.skip() })).to(collect()).run();
      expect(r.result).toEqual([]);
    } finally {
      await chmod(join(dir, 'logs'), 0o755);
    }
  });

  it('rejects bad patterns and options', () => {
    expect(() => readGlob('')).toThrow(InvalidArgumentError);
    expect(() => readGlob('{a,b')).toThrow('readGlob: unclosed "{" in glob "{a,b"');
    expect(() => readGlob('*', { as: 'bytes' as never })).toThrow("readGlob: `as` must be 'lines' or 'chunks', got bytes");
  });

  it('treats unmatched brackets and braces literally', async () => {
    await writeFile(join(dir, 'logs/[x.log'), 'bracket\n');
    await writeFile(join(dir, 'logs/}y,.log'), 'brace\n');
    expect(await run('logs/[x.log')).toEqual(['bracket']);
    expect(await run('logs/}y,.log')).toEqual(['brace']);
  });
});
