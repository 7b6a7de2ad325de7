import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, fromArray, pipeline } from '@streamweave/core';
import { CheckpointCoordinator, type CheckpointMetadata, CorruptCheckpointError, keyedProcess, valueState } from '@streamweave/state';
import { lmdbBackend, localCheckpointStorage } from '@streamweave/state/node';

const dir = mkdtempSync(join(tmpdir(), 'sw-chk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const meta = (id: number): CheckpointMetadata => ({
  version: 1,
  id,
  timestamp: 1000 + id,
  savepoint: false,
  final: false,
  backend: 'memory',
  positions: { src: id * 10 },
  operators: {},
});

describe('localCheckpointStorage', () => {
  it('writes checkpoints atomically, lists, loads and removes them', async () => {
    const d = join(dir, 'a');
    const storage = localCheckpointStorage(d);
    expect(await storage.save(meta(2))).toBe(join(d, 'chk-0000000002.json'));
    await storage.save(meta(10));
    expect(await storage.list()).toEqual([2, 10]);
    expect(await storage.load(10)).toEqual(meta(10));
    await storage.remove(2);
    await storage.remove(2);
    expect(await storage.list()).toEqual([10]);
    // Only the checkpoint file remains: no temp files left behind.
    expect(readdirSync(d)).toEqual(['chk-0000000010.json']);
  });

  it('detects corrupt, truncated and missing checkpoints and names the path', async () => {
    const d = join(dir, 'b');
    const storage = localCheckpointStorage(d);
    const path = await storage.save(meta(1));
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, text.length - 5));
    await expect(storage.load(1)).rejects.toThrow(new CorruptCheckpointError(`checkpoint is truncated: ${text.length - text.indexOf('\n') - 6} of ${text.length - text.indexOf('\n') - 1} characters`, path));
    writeFileSync(path, text.replace('"src":10', '"src":11'));
    await expect(storage.load(1)).rejects.toThrow(`checkpoint checksum mismatch (${path})`);
    await expect(storage.load(7)).rejects.toThrow(`checkpoint file cannot be read (${join(d, 'chk-0000000007.json')})`);
    writeFileSync(path, text.replace(/^streamweave-checkpoint ([0-9a-f]+) (\d+)\n.*$/s, (_m, _c, n) => `streamweave-checkpoint ${'0'.repeat(16)} ${n}\n${'x'.repeat(Number(n))}`));
    await expect(storage.load(1)).rejects.toThrow('checkpoint checksum mismatch');
  });

  it('writes savepoints to a chosen path, portable to another storage directory', async () => {
    const storage = localCheckpointStorage(join(dir, 'c'));
    const target = join(dir, 'elsewhere', 'sp.json');
    expect(await storage.saveSavepoint({ ...meta(3), savepoint: true, state: { op: [['k', 'v']] } }, target)).toBe(target);
    const other = localCheckpointStorage(join(dir, 'd'));
    expect((await other.loadSavepoint(target)).state).toEqual({ op: [['k', 'v']] });
    expect(await storage.saveSavepoint(meta(4))).toBe(join(dir, 'c', 'savepoints', 'savepoint-0000000004.json'));
  });

  it('falls back to the previous complete checkpoint when the latest file is corrupt, reporting its path', async () => {
    const d = join(dir, 'e');
    const storage = localCheckpointStorage(join(d, 'chk'));
    const backend = lmdbBackend({ path: join(d, 'state') });
    const state = { n: valueState<number>({ defaultValue: 0 }) };
    const job = (items: string[]) =>
      pipeline()
        .from(fromArray(items, { name: 'src' }))
        .pipe(
          keyedProcess<string, string, string, typeof state>(
            {
              keyBy: (x) => x,
              state,
              processElement(x, ctx) {
                ctx.state.n.update(ctx.state.n.value()! + 1);
                ctx.emit(`${x}${ctx.state.n.value()}`);
              },
            },
            { name: 'count' },
          ),
        )
        .to(collect());
    await new CheckpointCoordinator({ backend, storage }).run(job(['a']));
    await new CheckpointCoordinator({ backend, storage }).run(job(['a', 'a']));
    writeFileSync(join(d, 'chk', 'chk-0000000002.json'), 'streamweave-checkpoint 00');
    const reports: string[] = [];
    const third = await new CheckpointCoordinator({ backend, storage, onCorruptCheckpoint: (e) => reports.push(e.path) }).run(job(['a', 'a', 'a']));
    expect(reports).toEqual([join(d, 'chk', 'chk-0000000002.json')]);
    expect(third.restoredFrom).toBe(1);
    expect(third.result).toEqual(['a2', 'a3']);
    await backend.close();
  });
});
