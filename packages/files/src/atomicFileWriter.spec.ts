import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtomicFileWriter, atomicWrite, FileError, openAtomic } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('AtomicFileWriter', () => {
  it('writes to a hidden temp file in the same directory and renames it on commit', async () => {
    const target = join(dir, 'report.json');
    await writeFile(target, 'old');
    const w = await openAtomic(target);
    expect(w.tempPath).toMatch(new RegExp(`^${dir}/\\.report\\.json\\.[0-9a-f]{12}\\.tmp$`));
    await w.write('{"a":');
    await w.write(Buffer.from('1}'));
    expect(w.size).toBe(7);
    // Until commit, readers still see the old file.
    expect(await readFile(target, 'utf8')).toBe('old');
    await w.commit();
    await w.commit();
    expect(await readFile(target, 'utf8')).toBe('{"a":1}');
    expect(await readdir(dir)).toEqual(['report.json']);
    await expect(w.write('x')).rejects.toThrow('cannot write: the atomic writer is committed');
  });

  it('aborts by deleting the temp file, leaving the target untouched', async () => {
    const target = join(dir, 'a.txt');
    const w = await AtomicFileWriter.open(target);
    await w.write('partial');
    await w.abort();
    await w.abort();
    expect(await readdir(dir)).toEqual([]);
    await expect(w.commit()).rejects.toThrow(FileError);
    await expect(w.commit()).rejects.toThrow('cannot commit: the atomic writer is aborted');
  });

  it('supports two-phase commit across a restart: preCommit, then resume and commit or abort', async () => {
    const target = join(dir, 'out.txt');
    const w = await openAtomic(target);
    await w.write('durable');
    await w.preCommit();
    await w.preCommit();
    await expect(w.write('late')).rejects.toThrow('cannot write: the atomic writer is preCommitted');
    const recovered = AtomicFileWriter.resume(target, w.tempPath);
    await recovered.commit();
    expect(await readFile(target, 'utf8')).toBe('durable');

    const w2 = await openAtomic(target);
    await w2.write('never visible');
    await w2.preCommit();
    await AtomicFileWriter.resume(target, w2.tempPath).abort();
    expect(await readdir(dir)).toEqual(['out.txt']);
    expect(await readFile(target, 'utf8')).toBe('durable');
    // Aborting a temp file that is already gone (aborted before the crash) is fine.
    await AtomicFileWriter.resume(target, w2.tempPath).abort();
    await expect(AtomicFileWriter.resume(target, w2.tempPath).preCommit()).resolves.toBeUndefined();
  });

  it('reports a failing rename naming the target', async () => {
    const target = join(dir, 'sub');
    await mkdir(join(target, 'child'), { recursive: true });
    const w = await openAtomic(target);
    await w.write('x');
    const error = await w.commit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect(error).toMatchObject({ path: target });
    expect((error as Error).message).toContain('cannot rename temporary file into place');
    await w.abort();
  });

  it('atomicWrite replaces a file in one step and cleans up on failure', async () => {
    const target = join(dir, 'c.json');
    await atomicWrite(target, '{}');
    expect(await readFile(target, 'utf8')).toBe('{}');
    await mkdir(join(dir, 'd', 'inner'), { recursive: true });
    await expect(atomicWrite(join(dir, 'd'), 'x')).rejects.toThrow('cannot rename temporary file into place');
    expect((await readdir(dir)).sort()).toEqual(['c.json', 'd']);
  });

  it('fails to open in a missing directory, naming the temp file', async () => {
    const error = await openAtomic(join(dir, 'no', 'x.txt')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect(error).toMatchObject({ code: 'ENOENT' });
    expect((error as Error).message).toContain('cannot create temporary file for atomic write');
  });

  it('rejects bad arguments', async () => {
    await expect(openAtomic('')).rejects.toThrow('openAtomic: `path` must be a non-empty string');
    expect(() => AtomicFileWriter.resume(join(dir, 'a'), '/elsewhere/.a.tmp')).toThrow('must be in the same directory as the target');
  });
});
