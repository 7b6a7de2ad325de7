import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, forEach, fromArray, InvalidArgumentError, pipeline, range, rateLimit, systemClock, VirtualClock } from '@streamweave/core';
import {
  CheckpointCoordinator,
  CorruptCheckpointError,
  heapKeyedStore,
  type KeyedStateStoreFactory,
  keyedCount,
  keyedProcess,
  listState,
  mapState,
  memoryBackend,
  memoryCheckpointStorage,
  type StateSnapshot,
  StateMismatchError,
  valueState,
} from '@streamweave/state';
import { lmdbKeyedStore } from '@streamweave/state/node';

jest.setTimeout(120_000);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'state-lmdb-keyed-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Polls (real time) until `done()`: checkpoints of the LMDB store finish after a real fsync. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
}

async function runFor<R>(clock: VirtualClock, run: Promise<R>, ms: number): Promise<R> {
  for (let t = 0; t < ms; t += 10) await clock.advanceBy(10);
  return run;
}

/** Reads the state a snapshot holds, through a fresh store opened on it. */
function open(store: KeyedStateStoreFactory, op: string, snapshot: StateSnapshot | undefined, names: string[] = ['count']) {
  const s = store.open({ operatorId: op, clock: systemClock, ttl: new Map(names.map((n) => [n, undefined])) });
  const restored = s.restore(snapshot);
  return { s, restored };
}

describe('lmdbKeyedStore', () => {
  it('keeps 1 000 000 keys with a 10 000-entry cache: the heap stays bounded, checkpoints are incremental, restore is exact', async () => {
    const keys = 1_000_000;
    const store = lmdbKeyedStore({ path: join(dir, 'keyed'), cacheSize: 10_000 });
    const backend = memoryBackend();
    const storage = memoryCheckpointStorage();
    const counts = new Map<number, number>();
    const job = (items: number) =>
      pipeline()
        .from(range(0, items, { name: 'src' }))
        .pipe(keyedCount({ keyBy: (x: number) => x % keys, store, name: 'count' }))
        .to(forEach((r: { key: number; count: number }) => void counts.set(r.key, r.count)));
    try {
      const first = await new CheckpointCoordinator({ backend, storage }).run(job(keys));
      expect(first.completedCheckpoints).toEqual([1]);
      expect(counts.size).toBe(keys);
      // Every key went through a cache that never held more than its bound.
      expect(store.stats('count')).toMatchObject({ maxCached: 10_000, cacheSize: 10_000, reads: keys, writes: keys, segments: 1, lastIncrement: keys });
      // The snapshot in the backend is a manifest, not a million entries.
      expect((await backend.read(1, 'count'))!.length).toBe(1);

      counts.clear();
      const second = await new CheckpointCoordinator({ backend, storage }).run(job(keys + 100_000));
      expect(second.restoredFrom).toBe(1);
      expect(counts.size).toBe(100_000);
      expect([...counts.values()].every((c) => c === 2)).toBe(true);
      // The final checkpoint wrote only the 100 000 keys that changed, on top of the first one's segment.
      expect(store.stats('count')).toMatchObject({ lastIncrement: 100_000, segments: 2, storedSegments: 3 });
      expect(store.stats('count')!.maxCached).toBeLessThanOrEqual(10_000);

      // Restoring the final checkpoint gives every key its exact count (read back as a full, savepoint-style snapshot).
      const { s } = open(store, 'count', await backend.read(2, 'count'));
      const full = (await s.snapshot({ checkpointId: 99, savepoint: true }, [])) as StateSnapshot;
      expect(full.length).toBe(keys);
      let wrong = 0;
      for (const [k, v] of full) if ((JSON.parse(v) as [number, number])[0] !== (Number(k.slice('count\u0000'.length)) < 100_000 ? 2 : 1)) wrong++;
      expect(wrong).toBe(0);
      s.close?.();
    } finally {
      await store.close();
    }
  });

  it('restores mid-stream from the exact cut with a one-entry cache: nothing lost, nothing repeated', async () => {
    const clock = new VirtualClock(0);
    const backend = memoryBackend();
    const storage = memoryCheckpointStorage();
    const store = lmdbKeyedStore({ path: join(dir, 'keyed'), cacheSize: 1, compactAfter: 2 });
    const state = { sum: valueState<number>({ defaultValue: 0 }), seen: listState<number>() };
    const job = (items: number[]) =>
      pipeline()
        .from(fromArray(items, { name: 'src' }))
        .pipe(rateLimit({ perSecond: 10, burst: 1, name: 'rate' }))
        .pipe(
          keyedProcess<number, string, number, typeof state>(
            {
              keyBy: (x) => x % 3,
              state,
              store,
              processElement(x, ctx) {
                ctx.state.sum.update(ctx.state.sum.value()! + x);
                ctx.state.seen.add(x);
                ctx.emit(`${ctx.key}:${ctx.state.sum.value()}:${ctx.state.seen.get().join('+')}`);
              },
            },
            { name: 'sum' },
          ),
        )
        .to(collect());
    const items = Array.from({ length: 20 }, (_, i) => i + 1);
    const expected: string[] = [];
    const sums = [0, 0, 0];
    const seen: number[][] = [[], [], []];
    for (const x of items) {
      sums[x % 3]! += x;
      seen[x % 3]!.push(x);
      expected.push(`${x % 3}:${sums[x % 3]}:${seen[x % 3]!.join('+')}`);
    }
    try {
      const controller = new AbortController();
      let completed = 0;
      const first = new CheckpointCoordinator({ backend, storage, clock, intervalMs: 200, retained: 2, onCheckpointComplete: () => completed++ });
      const run = first.run(job(items), { runOptions: { clock, creditWindow: 1, signal: controller.signal } });
      run.catch(() => undefined);
      for (let t = 10; t <= 1250; t += 10) {
        await clock.advanceBy(10);
        if (t % 200 === 0) await until(() => completed >= t / 200);
      }
      expect(completed).toBe(6);
      controller.abort('crash');
      await expect(run).rejects.toThrow('pipeline run was cancelled');
      await store.idle();
      const latest = (await new CheckpointCoordinator({ backend, storage }).latest())!;
      const at = latest.meta.positions['src'] as number;
      expect(at).toBeGreaterThan(5);
      expect(at).toBeLessThan(20);
      // Five or so checkpoints with changes, compacted every two: the chain stays short.
      expect(store.stats('sum')!.compactions).toBeGreaterThan(0);
      expect(store.stats('sum')!.segments).toBeLessThanOrEqual(3);
      const second = await runFor(clock, new CheckpointCoordinator({ backend, storage, clock, retained: 2 }).run(job(items), { runOptions: { clock } }), 2500);
      expect(second.restoredFrom).toBe(latest.meta.id);
      expect(second.result).toEqual(expected.slice(at));
      await store.idle();
      // Segments no retained checkpoint needs were removed.
      expect(store.stats('sum')!.storedSegments).toBeLessThanOrEqual(5);
    } finally {
      await store.close();
    }
  });

  it('takes self-contained savepoints that restore into the heap store, and restores heap checkpoints', async () => {
    const store = lmdbKeyedStore({ path: join(dir, 'keyed'), cacheSize: 2 });
    const storage = memoryCheckpointStorage();
    const backend = memoryBackend();
    const state = { n: valueState<number>({ defaultValue: 0 }), tags: mapState<boolean>(), gone: valueState<string>() };
    const job = (items: string[], where: KeyedStateStoreFactory) =>
      pipeline()
        .from(fromArray(items, { name: 'src' }))
        .pipe(
          keyedProcess<string, string, string, typeof state>(
            {
              keyBy: (w) => w[0]!,
              state,
              store: where,
              processElement(w, ctx) {
                const n = ctx.state.n.value()! + 1;
                ctx.state.n.update(n);
                ctx.state.tags.put(w, true);
                if (n === 1) ctx.state.gone.update('x');
                else ctx.state.gone.clear();
                ctx.emit(`${ctx.key}${n}:${ctx.state.tags.entries().map(([t]) => t).join(',')}:${ctx.state.gone.value() ?? '-'}`);
              },
            },
            { name: 'words' },
          ),
        )
        .to(collect());
    try {
      // Heap checkpoint → LMDB store (a full snapshot becomes the base).
      const heap = await new CheckpointCoordinator({ backend, storage }).run(job(['apple', 'avocado', 'banana', 'cherry'], heapKeyedStore()));
      expect(heap.result).toEqual(['a1:apple:x', 'a2:apple,avocado:-', 'b1:banana:x', 'c1:cherry:x']);
      const lmdb = await new CheckpointCoordinator({ backend, storage }).run(job(['apple', 'avocado', 'banana', 'cherry', 'bean', 'cress'], store));
      expect(lmdb.result).toEqual(['b2:banana,bean:-', 'c2:cherry,cress:-']);
      // An incremental checkpoint cannot be read by the heap store: a clear error, not an empty state.
      await expect(new CheckpointCoordinator({ backend, storage }).run(job(['apple'], heapKeyedStore()))).rejects.toThrow(StateMismatchError);

      // A savepoint of the LMDB store inlines every entry, so the heap store restores it.
      const clock = new VirtualClock(0);
      const spStorage = memoryCheckpointStorage();
      const coordinator = new CheckpointCoordinator({ backend, storage: spStorage, clock });
      const items = ['apple', 'avocado', 'banana', 'cherry', 'bean', 'cress', 'apricot', 'blueberry'];
      const slow = pipeline()
        .from(fromArray(items, { name: 'src' }))
        .pipe(rateLimit({ perSecond: 10, burst: 1, name: 'rate' }))
        .pipe(
          keyedProcess<string, string, string, typeof state>(
            {
              keyBy: (w) => w[0]!,
              state,
              store,
              processElement(w, ctx) {
                ctx.state.n.update(ctx.state.n.value()! + 1);
                ctx.emit(`${ctx.key}${ctx.state.n.value()}`);
              },
            },
            { name: 'words' },
          ),
        )
        .to(collect());
      const run = coordinator.run(slow, { runOptions: { clock, creditWindow: 1 } });
      await runFor(clock, Promise.resolve(), 250);
      const path = coordinator.savepoint('memory:lmdb-savepoint');
      await runFor(clock, Promise.resolve(), 500);
      await path;
      await runFor(clock, run, 500);
      const meta = await spStorage.loadSavepoint('memory:lmdb-savepoint');
      const at = meta.positions['src'] as number;
      expect(at).toBeGreaterThan(0);
      // Every entry inline: the count of each first letter seen before the savepoint.
      const before = new Map<string, number>();
      for (const w of items.slice(0, at)) before.set(w[0]!, (before.get(w[0]!) ?? 0) + 1);
      expect(meta.state!['words']!.map(([k, v]) => [k, (JSON.parse(v) as [number])[0]]).sort()).toEqual(
        [...before].map(([l, n]) => [`n\u0000"${l}"`, n]).sort(),
      );
      const fromSavepoint = await new CheckpointCoordinator({ backend: memoryBackend(), storage: spStorage }).run(job(items, heapKeyedStore()), {
        restore: { savepoint: 'memory:lmdb-savepoint' },
      });
      expect(fromSavepoint.result.length).toBe(items.length - at);
      // The heap store continues the counts the LMDB store had at the savepoint.
      expect(fromSavepoint.result[0]!.startsWith(`${items[at]![0]}${(before.get(items[at]![0]!) ?? 0) + 1}:`)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('expires values by TTL and reads absent keys as absent after eviction', async () => {
    const clock = new VirtualClock(1000);
    const store = lmdbKeyedStore({ path: join(dir, 'keyed'), cacheSize: 1 });
    const s = store.open({ operatorId: 'ttl', clock, ttl: new Map([['v', 100], ['w', undefined]]) });
    s.restore(undefined);
    s.currentKey = '"a"';
    s.set('v', 'A');
    s.set('w', 'keep');
    s.currentKey = '"b"';
    expect(s.has('v')).toBe(false);
    s.set('v', 'B');
    s.currentKey = '"a"';
    expect([s.get('v'), s.get('w')]).toEqual(['A', 'keep']);
    await clock.advanceBy(100);
    expect([s.has('v'), s.get('v'), s.get('w')]).toEqual([false, undefined, 'keep']);
    s.delete('w');
    s.currentKey = '"b"';
    expect(s.get('v')).toBeUndefined();
    s.currentKey = '"a"';
    expect(s.has('w')).toBe(false);
    expect(store.stats('ttl')).toMatchObject({ cached: 1, maxCached: 1 });
    expect(store.stats('nobody')).toBeUndefined();
    s.close?.();
    await store.close();
    expect(store.stats('ttl')).toMatchObject({ cached: 0, storedSegments: 0 });
  });

  it.each([
    ['heap', () => heapKeyedStore()],
    ['lmdb', () => lmdbKeyedStore({ path: join(dir, 'keyed'), cacheSize: 1 })],
  ])('%s: a state that gained a TTL counts restored entries as written at restore', async (_kind, make) => {
    const clock = new VirtualClock(5000);
    const store = make();
    const s = store.open({ operatorId: 'gained', clock, ttl: new Map([['v', 100]]) });
    // Written without a TTL: no write time (0).
    s.restore([['v\u0000"a"', '["A",0]'], ['v\u0000"b"', '["B",4950]']]);
    s.currentKey = '"a"';
    expect(s.get('v')).toBe('A');
    s.currentKey = '"b"';
    expect(s.get('v')).toBe('B');
    await clock.advanceBy(60);
    expect(s.get('v')).toBeUndefined();
    s.currentKey = '"a"';
    expect(s.get('v')).toBe('A');
    await clock.advanceBy(40);
    expect(s.has('v')).toBe(false);
    s.close?.();
    await (store as { close?: () => Promise<void> }).close?.();
  });

  it('fails the restore naming the store when a segment of the checkpoint is missing', async () => {
    const store = lmdbKeyedStore({ path: join(dir, 'keyed') });
    try {
      expect(() => open(store, 'op', [['\u0000lmdb-keyed-store', JSON.stringify({ v: 1, segs: [41] })]])).toThrow(
        new CorruptCheckpointError('changelog segment 41 of "op" is missing from the LMDB working store', join(dir, 'keyed')),
      );
      // Unknown state names in a snapshot are reported, timers are handed back.
      const { restored } = open(store, 'op2', [['old\u0000"k"', '[1,0]'], ['\u0000timers', '{}']]);
      expect([...restored.unknown]).toEqual(['old']);
      expect([...restored.extra]).toEqual([['\u0000timers', '{}']]);
    } finally {
      await store.close();
    }
  });

  it('rejects bad options', () => {
    expect(() => lmdbKeyedStore({ path: '' })).toThrow(InvalidArgumentError);
    expect(() => lmdbKeyedStore({ path: dir, cacheSize: 0 })).toThrow('lmdbKeyedStore: cacheSize must be a positive integer, got 0');
    expect(() => lmdbKeyedStore({ path: dir, compactAfter: 1.5 })).toThrow('lmdbKeyedStore: compactAfter must be a positive integer, got 1.5');
    expect(() => keyedCount({ keyBy: (x: number) => x, store: {} as KeyedStateStoreFactory })).toThrow(
      'keyedCount: `store` must be a keyed state store factory (heapKeyedStore(), lmdbKeyedStore(...))',
    );
  });
});
