import { collect, fromArray, pipeline, rateLimit, type Transformer, VirtualClock } from '@streamweave/core';
import {
  CheckpointCoordinator,
  type CheckpointMetadata,
  memoryBackend,
  memoryCheckpointStorage,
  type StateRuntime,
  stateExtensionKey,
  StateMismatchError,
  transactionalSink,
  type TwoPhaseCommitHandler,
} from '@streamweave/state';
import { count } from './aggregate.js';
import { countWindows } from './assigners/countWindows.js';
import { sessionWindows } from './assigners/sessionWindows.js';
import { slidingWindows } from './assigners/slidingWindows.js';
import { tumblingWindows } from './assigners/tumblingWindows.js';
import { assignTimestampsAndWatermarks } from './watermarks/assignTimestampsAndWatermarks.js';
import { boundedOutOfOrderness } from './watermarks/boundedOutOfOrderness.js';
import { windowAggregate } from './windowAggregate.js';
import { windowProcess } from './windowProcess.js';
import type { WindowResult } from './windows.js';

interface Ev {
  k: string;
  ts: number;
}

/** Seeded (mulberry32) out-of-order events: 3 keys, ~100 ms apart, up to 150 ms out of order. */
function events(n: number, seed: number): Ev[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, (_, i) => ({ k: `k${Math.floor(random() * 3)}`, ts: Math.max(0, i * 100 - Math.floor(random() * 150)) }));
}

const show = (r: WindowResult<unknown, unknown>) => `${String(r.key)}@${r.window.start}-${r.window.end}=${JSON.stringify(r.result)}/${r.timing}#${r.firing}`;

/** An in-memory transactional table: what a crash loses is what was not committed. */
function table() {
  const staged = new Map<number, string[]>();
  const prepared = new Map<number, string[]>();
  const published: string[] = [];
  const handler: TwoPhaseCommitHandler<WindowResult<unknown, unknown>, number> = {
    beginTransaction: (seq) => (staged.set(seq, []), seq),
    write: (seq, r) => void staged.get(seq)!.push(show(r)),
    preCommit: (seq) => {
      prepared.set(seq, staged.get(seq)!);
      staged.delete(seq);
    },
    commit: (seq) => {
      published.push(...(prepared.get(seq) ?? []));
      prepared.delete(seq);
    },
    abort: (seq) => {
      staged.delete(seq);
      prepared.delete(seq);
    },
    recover: (nextSeq) => {
      for (const seq of prepared.keys()) if (seq >= nextSeq) prepared.delete(seq);
    },
  };
  return { handler, published, crash: () => staged.clear() };
}

type WindowOp = () => Transformer<Ev, WindowResult<unknown, unknown>>;

const source = (items: Ev[]) =>
  pipeline()
    .from(fromArray(items, { name: 'events' }))
    .pipe(rateLimit({ perSecond: 20, burst: 1, name: 'rate' }))
    .pipe(assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: boundedOutOfOrderness(200), name: 'wm' }));

async function advance(clock: VirtualClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10) await clock.advanceBy(10);
}

/** Runs `op` uninterrupted, and checkpointed + crashed after `crashAtMs` + restored; returns both outputs. */
async function compare(op: WindowOp, items: Ev[], crashAtMs: number) {
  const plainClock = new VirtualClock(0);
  const plainRun = source(items).pipe(op()).to(collect()).run({ clock: plainClock, creditWindow: 1 });
  await advance(plainClock, items.length * 50 + 2000);
  const uninterrupted = (await plainRun).result.map(show);

  const clock = new VirtualClock(0);
  const backend = memoryBackend();
  const storage = memoryCheckpointStorage();
  const out = table();
  const completed: CheckpointMetadata[] = [];
  const crash = new AbortController();
  const first = new CheckpointCoordinator({ backend, storage, clock, intervalMs: 300, onCheckpointComplete: (m) => completed.push(m) }).run(
    source(items).pipe(op()).to(transactionalSink(out.handler, { name: 'out' })),
    { runOptions: { clock, creditWindow: 1, signal: crash.signal } },
  );
  first.catch(() => undefined);
  await advance(clock, crashAtMs);
  crash.abort('crash');
  await expect(first).rejects.toThrow('cancelled');
  out.crash();
  const committedBeforeCrash = out.published.length;
  const checkpoint = completed[completed.length - 1]!;
  const second = new CheckpointCoordinator({ backend, storage, clock, intervalMs: 300 }).run(
    source(items).pipe(op()).to(transactionalSink(out.handler, { name: 'out' })),
    { runOptions: { clock, creditWindow: 1 } },
  );
  await advance(clock, items.length * 50 + 2000);
  expect((await second).restoredFrom).toBe(checkpoint.id);
  return { uninterrupted, restored: out.published, checkpoint, committedBeforeCrash };
}

describe('window state in checkpoints (@streamweave/state)', () => {
  it('keyed tumbling windows restored from a mid-stream checkpoint give exactly the results of an uninterrupted run', async () => {
    const op: WindowOp = () =>
      windowAggregate({ assigner: tumblingWindows<Ev>(1000), timestamp: (e: Ev) => e.ts, key: (e: Ev) => e.k, aggregate: count(), name: 'perSecond' });
    const r = await compare(op, events(80, 7), 2300);
    expect(r.uninterrupted).toHaveLength(24);
    expect(r.uninterrupted.slice(0, 3)).toEqual(['k0@0-1000=6/on-time#0', 'k2@0-1000=2/on-time#0', 'k1@0-1000=3/on-time#0']);
    expect(r.restored).toEqual(r.uninterrupted);
    // The checkpoint was mid-stream with open windows: without their state the restored run would undercount.
    expect(r.checkpoint.positions['events']).toBeGreaterThan(10);
    expect(r.checkpoint.positions['events']).toBeLessThan(80);
    expect(r.checkpoint.operators['perSecond']).toMatchObject({ type: 'windowAggregate' });
    expect(r.checkpoint.operators['perSecond']!.entries).toBeGreaterThan(1);
    expect(r.committedBeforeCrash).toBeGreaterThan(0);
  });

  it('restores merging session windows with their buffered items', async () => {
    const op: WindowOp = () =>
      windowProcess({
        assigner: sessionWindows<Ev>(250),
        timestamp: (e: Ev) => e.ts,
        key: (e: Ev) => e.k,
        process: (items: Ev[]) => items.map((i) => i.ts).sort((a, b) => a - b).join('+'),
        name: 'sessions',
      });
    const r = await compare(op, events(60, 11), 1700);
    expect(r.uninterrupted.length).toBeGreaterThan(5);
    expect(r.restored).toEqual(r.uninterrupted);
  });

  it('restores sliding windows (computed window by window under a coordinator) and count windows with trigger state', async () => {
    const sliding: WindowOp = () =>
      windowAggregate({ assigner: slidingWindows<Ev>(1000, 250), timestamp: (e: Ev) => e.ts, key: (e: Ev) => e.k, aggregate: count(), name: 'sliding' });
    const s = await compare(sliding, events(50, 3), 1400);
    expect(s.uninterrupted.length).toBeGreaterThan(40);
    // The uninterrupted run computes by slices, which emits the windows closing at one
    // watermark in another key order than the window-by-window engine: same results.
    expect([...s.restored].sort()).toEqual([...s.uninterrupted].sort());

    const counted: WindowOp = () => windowAggregate({ assigner: countWindows<Ev>(4), key: (e: Ev) => e.k, aggregate: count(), name: 'fours' });
    const c = await compare(counted, events(50, 5), 1300);
    expect(c.uninterrupted.length).toBeGreaterThan(8);
    expect(c.restored).toEqual(c.uninterrupted);
  });

  it('restores processing-time windows and their timers', async () => {
    // One processing-time window spanning the whole (virtual-time) run: it fires when the
    // input ends, so its count shows whether the state from before the crash came back.
    const op: WindowOp = () =>
      windowAggregate({ assigner: tumblingWindows<Ev>(1e9, { time: 'processing' }), aggregate: count(), name: 'allOfIt' });
    const r = await compare(op, events(40, 9), 900);
    expect(r.uninterrupted).toEqual(['undefined@0-1000000000=40/on-time#0']);
    expect(r.restored).toEqual(r.uninterrupted);
    expect(r.checkpoint.positions['events']).toBeGreaterThan(5);
  });

  it('fails with an error naming the operator when the restored state is not window state', async () => {
    const runWith = (saved: Array<[string, string]>) => {
      const runtime: StateRuntime = { register: () => undefined, restored: () => saved, snapshotTaken: () => undefined };
      const op = windowAggregate({ assigner: tumblingWindows<Ev>(1000), timestamp: (e: Ev) => e.ts, aggregate: count(), name: 'perSecond' });
      return pipeline().from(fromArray([{ k: 'a', ts: 1 }])).pipe(op).to(collect()).run({ extensions: { [stateExtensionKey]: runtime } });
    };
    const noMeta = runWith([['count', '42']]);
    await expect(noMeta).rejects.toThrow(StateMismatchError);
    await expect(noMeta).rejects.toThrow('window state cannot be restored: the snapshot has no window metadata');
    await expect(noMeta).rejects.toMatchObject({ operatorId: 'perSecond' });
    await expect(runWith([['meta', '{"v":2}']])).rejects.toThrow('unknown snapshot version 2');
    await expect(runWith([['meta', '{"v":1,"wm":0,"eq":[],"pq":[]}'], ['x', '{}']])).rejects.toThrow('unexpected entry "x"');
  });
});
