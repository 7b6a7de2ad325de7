import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArray, InvalidArgumentError, map, pipeline, rateLimit } from '@streamweave/core';
import { CheckpointCoordinator, memoryBackend, memoryCheckpointStorage } from '@streamweave/state';
import { exactlyOnceFileSink, lineFileSource, readPartFiles } from '@streamweave/state/node';

const dir = mkdtempSync(join(tmpdir(), 'sw-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('exactlyOnceFileSink', () => {
  it('without a coordinator, commits everything at end of input', async () => {
    const out = join(dir, 'plain');
    const { result } = await pipeline().from(fromArray([{ a: 1 }, { a: 2 }])).to(exactlyOnceFileSink({ dir: out })).run();
    expect(result).toEqual({ records: 2, transactions: 1 });
    expect(await readPartFiles(out)).toBe('{"a":1}\n{"a":2}\n');
    expect(readdirSync(out)).toEqual(['part-000000000']);
  });

  it('commits one part per completed checkpoint and removes a lost attempt on restore', async () => {
    const out = join(dir, 'cp');
    const backend = memoryBackend();
    const storage = memoryCheckpointStorage();
    const coordinator = new CheckpointCoordinator({ backend, storage });
    const job = pipeline()
      .from(fromArray(['a', 'b', 'c', 'd'], { name: 'src' }))
      .pipe(
        map((x: string) => {
          if (x === 'c') queueMicrotask(() => void coordinator.triggerCheckpoint().catch(() => undefined));
          return x;
        }),
      )
      .to(exactlyOnceFileSink<string>({ dir: out, serialize: (s) => `${s}\n`, bufferBytes: 1, name: 'out' }));
    const r = await coordinator.run(job, { runOptions: { creditWindow: 1 } });
    expect(r.result).toEqual({ records: 4, transactions: 2 });
    expect(await readPartFiles(out)).toBe('a\nb\nc\nd\n');
    // Leftovers of a crashed attempt: temp files (this version's and the earlier `.inprogress` ones) and a part numbered past the checkpoint.
    writeFileSync(join(out, '.part-000000005.abcd.inprogress'), 'junk\n');
    writeFileSync(join(out, '.part-000000006.0123456789ab.tmp'), 'junk\n');
    writeFileSync(join(out, 'part-000000007'), 'junk\n');
    const again = await new CheckpointCoordinator({ backend, storage }).run(
      pipeline().from(fromArray(['a', 'b', 'c', 'd'], { name: 'src' })).pipe(map((x: string) => x)).to(exactlyOnceFileSink<string>({ dir: out, serialize: (s) => `${s}\n`, name: 'out' })),
    );
    expect(again.result).toEqual({ records: 0, transactions: 0 });
    expect(readdirSync(out).sort()).toEqual(['part-000000000', 'part-000000001']);
    expect(await readPartFiles(out)).toBe('a\nb\nc\nd\n');
  });

  it('commits the pre-committed part of a checkpoint after a crash, through the restored transaction', async () => {
    const out = join(dir, 'resume');
    const backend = memoryBackend();
    const storage = memoryCheckpointStorage();
    const items = Array.from({ length: 40 }, (_, i) => `x${i}`);
    const job = () =>
      pipeline()
        .from(fromArray(items, { name: 'src' }))
        .pipe(rateLimit({ perSecond: 2000, burst: 1 }))
        .to(exactlyOnceFileSink<string>({ dir: out, serialize: (s) => `${s}\n`, name: 'out' }));
    // The process "dies" the moment checkpoint 1 is durable: its part is pre-committed (a temp file), not renamed.
    const crash = new AbortController();
    const first = new CheckpointCoordinator({ backend, storage, intervalMs: 5, onCheckpointComplete: (m) => m.id === 1 && crash.abort('crash') }).run(job(), {
      runOptions: { signal: crash.signal, creditWindow: 1 },
    });
    await expect(first).rejects.toThrow('cancelled');
    const snapshot = JSON.stringify(await backend.read(1, 'out'));
    const tmp = /\.part-000000000\.[0-9a-f]+\.tmp/.exec(snapshot)?.[0];
    expect(tmp).toBeDefined();
    // A failed run does not commit (the restored run does), and nothing renames after the run settled.
    await new Promise((r) => setTimeout(r, 50));
    // Left: the pre-committed temp file of checkpoint 1 (and maybe the lost attempt's next one).
    expect(readdirSync(out)).toContain(tmp);
    expect(readdirSync(out).filter((f) => !f.startsWith('.'))).toEqual([]);
    const second = await new CheckpointCoordinator({ backend, storage }).run(job());
    expect(second.restoredFrom).toBe(1);
    expect(await readPartFiles(out)).toBe(items.map((s) => `${s}\n`).join(''));
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('rejects bad options', () => {
    expect(() => exactlyOnceFileSink({ dir: '' })).toThrow(new InvalidArgumentError('exactlyOnceFileSink: `dir` must be a non-empty directory path'));
    expect(() => exactlyOnceFileSink({ dir, prefix: '../x' })).toThrow('exactlyOnceFileSink: invalid prefix "../x"');
  });
});

describe('lineFileSource', () => {
  it('emits every line (a last one without newline too) and reports byte offsets as positions', async () => {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'alpha\nbé\n\ngamma');
    const positions: unknown[] = [];
    const { collect } = await import('@streamweave/core');
    const { checkpointBarrier } = await import('@streamweave/core');
    const ref: { handle?: { injectBarrier(b: unknown): string[] } } = {};
    const lines: string[] = [];
    const h = pipeline()
      .from(lineFileSource(file, { chunkBytes: 4 }))
      .pipe(
        map((l: string) => {
          lines.push(l);
          if (l === 'bé') queueMicrotask(() => ref.handle!.injectBarrier(checkpointBarrier(1, 0)));
          return l;
        }),
      )
      .to(collect())
      .start({ creditWindow: 1, checkpoints: { onSourceBarrier: (_id, _b, pos) => positions.push(pos), onSourceEnd: (_id, pos) => positions.push(pos) } });
    ref.handle = h as never;
    const { result } = await h.result;
    expect(result).toEqual(['alpha', 'bé', '', 'gamma']);
    expect(positions[positions.length - 1]).toBe(16);
    const resumed = await pipeline().from(lineFileSource(file)).to(collect()).run({ restore: { positions: { lineFileSource: 10 } } });
    expect(resumed.result).toEqual(['', 'gamma']);
  });

  it('fails clearly on a bad path or position', async () => {
    expect(() => lineFileSource('')).toThrow('lineFileSource: `path` must be a non-empty file path');
    const { collect } = await import('@streamweave/core');
    mkdirSync(join(dir, 'x'), { recursive: true });
    await expect(pipeline().from(lineFileSource(join(dir, 'missing.txt'))).to(collect()).run()).rejects.toThrow('ENOENT');
    await expect(pipeline().from(lineFileSource(join(dir, 'in.txt'))).to(collect()).run({ restore: { positions: { lineFileSource: 'x' } } })).rejects.toThrow(
      // lineFileSource is readLines of @streamweave/files under its own node type.
      'readLines: `position` must be a non-negative integer byte offset, got "x"',
    );
  });
});
