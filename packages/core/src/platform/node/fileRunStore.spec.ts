import { existsSync, readdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileRunStore } from './index.js';

describe('fileRunStore', () => {
  it('writes runs as lines, reads them back in batches and removes its directory', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'sw-test-'));
    const store = fileRunStore<{ a: number }>({ dir: parent, batchSize: 2 });
    const id = await store.writeRun([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const empty = await store.writeRun([]);
    expect(readdirSync(parent)).toHaveLength(1);
    const batches: unknown[] = [];
    for await (const b of store.readRun(id)) batches.push(b);
    for await (const b of store.readRun(empty)) batches.push(b);
    expect(batches).toEqual([[{ a: 1 }, { a: 2 }], [{ a: 3 }]]);
    await store.dispose();
    await store.dispose();
    expect(readdirSync(parent)).toHaveLength(0);
    expect(existsSync(parent)).toBe(true);
  });
  it('uses custom codecs and rejects newlines and bad batch sizes', async () => {
    const store = fileRunStore<number>({ serialize: (n) => n.toString(16), deserialize: (s) => parseInt(s, 16) });
    const id = await store.writeRun([255, 16]);
    const got: number[] = [];
    for await (const b of store.readRun(id)) got.push(...b);
    expect(got).toEqual([255, 16]);
    const bad = fileRunStore<string>({ serialize: (s) => s });
    await expect(bad.writeRun(['a\nb'])).rejects.toThrow(/newlines/);
    await store.dispose();
    await bad.dispose();
    expect(() => fileRunStore({ batchSize: 0 })).toThrow(/batchSize/);
  });
});
