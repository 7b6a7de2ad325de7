import { collect, forEach, fromArray, fromAsyncIterable, graph, InvalidArgumentError, map, pipeline, rateLimit, take, VirtualClock } from '@streamweave/core';
import {
  CheckpointCoordinator,
  type CheckpointFailedError,
  type CheckpointMetadata,
  type CorruptCheckpointError,
  keyedProcess,
  memoryBackend,
  memoryCheckpointStorage,
  type StateBackend,
  StateMismatchError,
  valueState,
} from '@streamweave/state';

const state = { sum: valueState<number>({ defaultValue: 0 }) };
const summing = (name = 'sum') =>
  keyedProcess<number, string, number, typeof state>(
    {
      keyBy: (x) => x % 2,
      state,
      processElement(x, ctx) {
        ctx.state.sum.update(ctx.state.sum.value()! + x);
        ctx.emit(`${ctx.key}:${ctx.state.sum.value()}`);
      },
    },
    { name },
  );
/** 10 items per second from a replayable array, so checkpoints land mid-stream under a virtual clock. */
const slowJob = (items: number[], name = 'sum') =>
  pipeline()
    .from(fromArray(items, { name: 'src' }))
    .pipe(rateLimit({ perSecond: 10, burst: 1, name: 'rate' }))
    .pipe(summing(name))
    .to(collect());

async function runFor<R>(clock: VirtualClock, run: Promise<R>, ms: number): Promise<R> {
  for (let t = 0; t < ms; t += 10) await clock.advanceBy(10);
  return run;
}

describe('CheckpointCoordinator', () => {
  it('completes a checkpoint only once every sink was handed every item before the barrier (slow async sink)', async () => {
    const handled: number[] = [];
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    const coordinator = new CheckpointCoordinator({ backend: memoryBackend(), storage: memoryCheckpointStorage() });
    const job = pipeline()
      .from(fromArray(Array.from({ length: 20 }, (_, i) => i + 1), { name: 'src' }))
      .to(
        forEach(async (x: number) => {
          if (x === 3) await gate;
          handled.push(x);
        }),
      );
    const running = coordinator.run(job, { runOptions: { creditWindow: 4 } });
    while (handled.length < 2) await new Promise((r) => setTimeout(r, 1));
    // The sink is stuck on item 3; 4, 5 and 6 wait in its queue, holding the source's whole credit window.
    let checkpointDone = false;
    const checkpoint = coordinator.triggerCheckpoint().then((m) => ((checkpointDone = true), m));
    await new Promise((r) => setTimeout(r, 20));
    expect(checkpointDone).toBe(false); // the source reported its position, but the sink has not got the barrier
    release();
    const meta = await checkpoint;
    // Every item the checkpoint's position covers was handled before it completed.
    expect(meta.positions['src']).toBe(6);
    expect(handled.slice(0, 6)).toEqual([1, 2, 3, 4, 5, 6]);
    gate = Promise.resolve();
    await running;
    expect(handled).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('completes each checkpoint once, also when the sink has the barrier before the trigger returns (synchronous chain)', async () => {
    const completions: number[] = [];
    const coordinator = new CheckpointCoordinator({
      backend: memoryBackend(),
      storage: memoryCheckpointStorage(),
      onCheckpointComplete: (m) => completions.push(m.id),
    });
    let seen = 0;
    async function* slow() {
      for (let i = 0; i < 20; i++) {
        yield i;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    // No stateful operator: the barrier reaches the sink synchronously, inside the trigger.
    const running = coordinator.run(pipeline().from(fromAsyncIterable(slow())).to(forEach(() => void seen++)));
    while (seen < 3) await new Promise((r) => setTimeout(r, 1));
    const first = await coordinator.triggerCheckpoint();
    const second = await coordinator.triggerCheckpoint();
    await running;
    expect(completions.slice(0, 2)).toEqual([first.id, second.id]);
    expect(new Set(completions).size).toBe(completions.length);
  });

  it('does not wait for a sink that already finished (one branch stopped early)', async () => {
    const seen: number[] = [];
    async function* slowNumbers() {
      for (let i = 0; i < 30; i++) {
        yield i;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    const g = graph()
      .source('src', fromAsyncIterable(slowNumbers()))
      .transform('two', take<number>(2))
      .sink('few', collect<number>())
      .sink('all', forEach((x: number) => void seen.push(x)))
      .connect('src', 'two')
      .connect('two', 'few')
      .connect('src', 'all')
      .build();
    const coordinator = new CheckpointCoordinator({ backend: memoryBackend(), storage: memoryCheckpointStorage(), timeoutMs: 2_000 });
    const running = coordinator.run(g);
    while (seen.length < 5) await new Promise((r) => setTimeout(r, 1));
    const meta = await coordinator.triggerCheckpoint();
    expect(meta.final).toBe(false);
    await running;
    expect(seen).toHaveLength(30);
  });

  it('takes periodic checkpoints with source positions and operator state, keeping the last N', async () => {
    const clock = new VirtualClock(0);
    const backend = memoryBackend();
    const storage = memoryCheckpointStorage();
    const completed: CheckpointMetadata[] = [];
    const coordinator = new CheckpointCoordinator({
      backend,
      storage,
      clock,
      intervalMs: 250,
      retained: 2,
      onCheckpointComplete: (m) => completed.push(m),
    });
    const done = await runFor(clock, coordinator.run(slowJob([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), { runOptions: { clock, creditWindow: 1 } }), 1500);
    expect(done.result).toEqual(['1:1', '0:2', '1:4', '0:6', '1:9', '0:12', '1:16', '0:20', '1:25', '0:30']);
    expect(completed.length).toBeGreaterThanOrEqual(3);
    const final = completed[completed.length - 1]!;
    expect(final).toMatchObject({ final: true, positions: { src: 10 }, backend: 'memory' });
    expect(final.operators['sum']).toMatchObject({ type: 'keyedProcess', entries: 2 });
    expect(completed[0]).toMatchObject({ final: false, savepoint: false });
    expect(Object.keys(completed[0]!.operators)).toEqual(['sum']);
    expect(done.completedCheckpoints).toEqual(completed.map((m) => m.id));
    expect(await storage.list()).toEqual(completed.slice(-2).map((m) => m.id));
    expect(await backend.read(completed[0]!.id, 'sum')).toBeUndefined();
  });

  it('restores mid-stream from the latest checkpoint: nothing lost, nothing repeated', async () => {
    const clock = new VirtualClock(0);
    const backend = memoryBackend();
    const storage = memoryCheckpointStorage();
    const items = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const controller = new AbortController();
    const first = new CheckpointCoordinator({ backend, storage, clock, intervalMs: 200 });
    const run = first.run(slowJob(items), { runOptions: { clock, creditWindow: 1, signal: controller.signal } });
    run.catch(() => undefined);
    for (let t = 0; t < 550; t += 10) await clock.advanceBy(10);
    controller.abort('crash');
    await expect(run).rejects.toThrow('pipeline run was cancelled');
    const latest = (await new CheckpointCoordinator({ backend, storage }).latest())!;
    const at = latest.meta.positions['src'] as number;
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(10);
    const second = await runFor(clock, new CheckpointCoordinator({ backend, storage, clock }).run(slowJob(items), { runOptions: { clock } }), 1500);
    expect(second.restoredFrom).toBe(latest.meta.id);
    const all = ['1:1', '0:2', '1:4', '0:6', '1:9', '0:12', '1:16', '0:20', '1:25', '0:30'];
    expect(second.result).toEqual(all.slice(at));
  });

  it('fails a checkpoint (not the data) when the backend is unreachable, with the reason', async () => {
    const clock = new VirtualClock(0);
    const failures: CheckpointFailedError[] = [];
    const down: StateBackend = { ...memoryBackend(), write: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')) };
    const coordinator = new CheckpointCoordinator({ backend: down, clock, onCheckpointFailed: (e) => failures.push(e) });
    const run = coordinator.run(slowJob([1, 2, 3, 4]), { runOptions: { clock, creditWindow: 1 } });
    run.catch(() => undefined);
    await clock.advanceBy(150);
    const first = coordinator.triggerCheckpoint();
    first.catch(() => undefined);
    await runFor(clock, Promise.resolve(), 600);
    await expect(first).rejects.toThrow('checkpoint 1 failed');
    await expect(run).rejects.toThrow('checkpoint 2 failed: "sum" could not store its final snapshot in the memory backend: ECONNREFUSED 127.0.0.1:6379');
    expect(failures.map((f) => f.message)).toEqual(['checkpoint 1 failed: "sum" could not store its snapshot in the memory backend: ECONNREFUSED 127.0.0.1:6379']);
    // The data was not failed: every item reached the sink.
    expect(failures[0]!.checkpointId).toBe(1);
  });

  it('times out a checkpoint whose snapshot never arrives', async () => {
    const clock = new VirtualClock(0);
    const failures: string[] = [];
    const hanging: StateBackend = { ...memoryBackend(), write: () => new Promise(() => undefined) };
    const coordinator = new CheckpointCoordinator({ backend: hanging, clock, intervalMs: 100, timeoutMs: 50, onCheckpointFailed: (e) => failures.push(e.message) });
    const run = coordinator.run(slowJob([1, 2, 3, 4]), { runOptions: { clock, creditWindow: 1 } });
    run.catch(() => undefined);
    for (let t = 0; t < 200; t += 10) await clock.advanceBy(10);
    expect(failures[0]).toBe('checkpoint 1 failed: timed out after 50 ms waiting for sum');
    await runFor(clock, Promise.resolve(), 1000);
    await expect(run).rejects.toThrow('could not store its final snapshot in the memory backend: timed out after 50 ms waiting for sum');
  });

  it('detects a corrupt or truncated checkpoint, reports its path and uses the previous one', async () => {
    const backend = memoryBackend();
    const storage = memoryCheckpointStorage();
    await new CheckpointCoordinator({ backend, storage }).run(slowJobFast([1, 2]));
    await new CheckpointCoordinator({ backend, storage }).run(slowJobFast([1, 2, 3]));
    expect(await storage.list()).toEqual([1, 2]);
    const corrupt: CorruptCheckpointError[] = [];
    storage.files.set('memory:chk-0000000002', storage.files.get('memory:chk-0000000002')!.replace('"src":3', '"src":9'));
    let restored = await new CheckpointCoordinator({ backend, storage, onCorruptCheckpoint: (e) => corrupt.push(e) }).latest();
    expect(restored?.meta.id).toBe(1);
    expect(corrupt.map((e) => [e.path, e.message])).toEqual([['memory:chk-0000000002', 'checkpoint checksum mismatch (memory:chk-0000000002)']]);
    storage.files.set('memory:chk-0000000002', storage.files.get('memory:chk-0000000001')!.slice(0, 80));
    corrupt.length = 0;
    restored = await new CheckpointCoordinator({ backend, storage, onCorruptCheckpoint: (e) => corrupt.push(e) }).latest();
    expect(restored?.meta.id).toBe(1);
    expect(corrupt[0]!.message).toMatch(/^checkpoint is truncated: \d+ of \d+ characters \(memory:chk-0000000002\)$/);
    storage.files.set('memory:chk-0000000002', 'garbage');
    await backend.write(1, 'sum', [['tampered', '1']]);
    corrupt.length = 0;
    restored = await new CheckpointCoordinator({ backend, storage, onCorruptCheckpoint: (e) => corrupt.push(e) }).latest();
    expect(restored).toBeUndefined();
    expect(corrupt.map((e) => e.message)).toEqual([
      'checkpoint header is missing or damaged (memory:chk-0000000002)',
      'state of "sum" fails its checksum (memory:checkpoint 1/sum)',
    ]);
  });

  it('takes a savepoint on demand that restores into another backend', async () => {
    const clock = new VirtualClock(0);
    const storage = memoryCheckpointStorage();
    const coordinator = new CheckpointCoordinator({ storage, clock });
    const items = [1, 2, 3, 4, 5, 6];
    const run = coordinator.run(slowJob(items), { runOptions: { clock, creditWindow: 1 } });
    await clock.advanceBy(250);
    const path = coordinator.savepoint('memory:my-savepoint');
    await runFor(clock, run, 1000);
    expect(await path).toBe('memory:my-savepoint');
    const meta = await storage.loadSavepoint('memory:my-savepoint');
    const at = meta.positions['src'] as number;
    expect(meta.savepoint).toBe(true);
    expect(at).toBeGreaterThan(0);
    // A fresh backend: the savepoint carries its state inline.
    const resumed = await new CheckpointCoordinator({ storage, backend: memoryBackend() }).run(slowJobFast(items), {
      restore: { savepoint: 'memory:my-savepoint' },
    });
    expect(resumed.result).toEqual(['1:1', '0:2', '1:4', '0:6', '1:9', '0:12'].slice(at));
  });

  it('fails with an error naming the operator when the pipeline no longer matches the state', async () => {
    const storage = memoryCheckpointStorage();
    const backend = memoryBackend();
    await new CheckpointCoordinator({ storage, backend }).run(slowJobFast([1]));
    const renamed = new CheckpointCoordinator({ storage, backend }).run(slowJobFast([1], 'total'));
    await expect(renamed).rejects.toThrow(new StateMismatchError('checkpoint 1 holds state for operator "sum", which this pipeline no longer has', 'sum'));
    const retyped = pipeline().from(fromArray([1], { name: 'src' })).pipe(map((x: number) => x, { name: 'sum' })).to(collect());
    await expect(new CheckpointCoordinator({ storage, backend }).run(retyped)).rejects.toThrow('checkpoint 1 holds keyedProcess state for "sum", but that node is now a map');
    const noSource = pipeline().from(fromArray([1], { name: 'other' })).pipe(summing()).to(collect());
    await expect(new CheckpointCoordinator({ storage, backend }).run(noSource)).rejects.toThrow('checkpoint 1 holds a position for source "src", which this pipeline no longer has');
    const unclaimed = pipeline().from(fromArray([1], { name: 'src' })).pipe(map((x: number) => x, { name: 'x' })).to(collect());
    const meta = await storage.load(1);
    await storage.save({ ...meta, id: 2, operators: { ...meta.operators, x: { ...meta.operators['sum']!, type: 'map' } } });
    await backend.write(2, 'x', (await backend.read(1, 'sum'))!);
    await backend.write(2, 'sum', (await backend.read(1, 'sum'))!);
    await expect(new CheckpointCoordinator({ storage, backend }).run(unclaimed)).rejects.toThrow('"sum", which this pipeline no longer has');
    await storage.save({ ...meta, id: 3, operators: { x: { ...meta.operators['sum']!, type: 'map' } } });
    await backend.write(3, 'x', (await backend.read(1, 'sum'))!);
    await expect(new CheckpointCoordinator({ storage, backend }).run(unclaimed)).rejects.toThrow('checkpoint holds state for "x", but no stateful node of this run has that id');
  });

  it('keeps min pause between checkpoints and no more than maxConcurrent in flight', async () => {
    const clock = new VirtualClock(0);
    const paused: CheckpointMetadata[] = [];
    await runFor(
      clock,
      new CheckpointCoordinator({ clock, intervalMs: 50, minPauseMs: 200, onCheckpointComplete: (m) => paused.push(m) }).run(slowJob([1, 2, 3, 4, 5, 6, 7, 8]), {
        runOptions: { clock, creditWindow: 1 },
      }),
      1500,
    );
    const periodic = paused.filter((m) => !m.final).map((m) => m.timestamp);
    expect(periodic.length).toBeGreaterThanOrEqual(2);
    periodic.slice(1).forEach((t, i) => expect(t - periodic[i]!).toBeGreaterThanOrEqual(200));

    // A backend write takes 120 ms: with one checkpoint in flight at most, triggers every 50 ms are skipped meanwhile.
    const slow = memoryBackend();
    const slowWrites: StateBackend = { ...slow, write: (cp, op, snap) => new Promise((r) => clock.schedule(() => r(slow.write(cp, op, snap)), 120)) };
    const spans: Array<[number, number]> = [];
    await runFor(
      clock,
      new CheckpointCoordinator({ clock, backend: slowWrites, intervalMs: 50, maxConcurrent: 1, onCheckpointComplete: (m) => spans.push([m.timestamp, clock.now()]) }).run(
        slowJob([1, 2, 3, 4, 5, 6, 7, 8]),
        { runOptions: { clock, creditWindow: 1 } },
      ),
      1500,
    );
    const starts = spans.slice(0, -1);
    expect(starts.length).toBeGreaterThanOrEqual(2);
    starts.slice(1).forEach(([start], i) => expect(start).toBeGreaterThanOrEqual(starts[i]![1]));
  });

  it('validates options and usage', async () => {
    expect(() => new CheckpointCoordinator({ intervalMs: 0 })).toThrow(new InvalidArgumentError('CheckpointCoordinator: intervalMs must be a positive number, got 0'));
    expect(() => new CheckpointCoordinator({ minPauseMs: -1 })).toThrow('CheckpointCoordinator: minPauseMs must be a non-negative number, got -1');
    const c = new CheckpointCoordinator();
    await expect(c.triggerCheckpoint()).rejects.toThrow('CheckpointCoordinator: no run is active');
    const clock = new VirtualClock(0);
    const running = c.run(slowJob([1, 2]), { runOptions: { clock } });
    await expect(c.run(slowJob([1]))).rejects.toThrow('CheckpointCoordinator.run: a run is already active on this coordinator');
    await runFor(clock, running, 500);
    const plain = await new CheckpointCoordinator().run(pipeline().from(fromArray([1])).to(collect()), { restore: 'none' });
    expect(plain.completedCheckpoints).toEqual([]);
  });
});

function slowJobFast(items: number[], name = 'sum') {
  return pipeline()
    .from(fromArray(items, { name: 'src' }))
    .pipe(summing(name))
    .to(collect());
}
