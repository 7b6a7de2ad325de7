import { collect, fromArray, fromObservable, InvalidArgumentError, onError, pipeline, VirtualClock, watermark, type Element } from '@streamweave/core';
import { Subject } from 'rxjs';
import { CheckpointCoordinator, keyedProcess, memoryBackend, memoryCheckpointStorage, StateMismatchError, valueState } from '@streamweave/state';

const countState = { n: valueState<number>({ defaultValue: 0 }) };

describe('keyedProcess', () => {
  it('fires event-time timers per key in timestamp order when the watermark passes them', async () => {
    const items: Array<Element<[string, number]>> = [['a', 10], ['b', 5], ['a', 7], watermark(8), ['b', 20], watermark(30)];
    const { result } = await pipeline()
      .from(fromArray(items as unknown as Array<[string, number]>))
      .pipe(
        keyedProcess<[string, number], string, string, typeof countState>({
          keyBy: ([k]) => k,
          state: countState,
          processElement([, ts], ctx) {
            ctx.state.n.update(ctx.state.n.value()! + 1);
            ctx.timers.registerEventTimeTimer(ts);
            if (ts === 20) ctx.timers.deleteEventTimeTimer(20);
          },
          onTimer(ts, ctx, kind) {
            ctx.emit(`${kind} ${ctx.key}@${ts} n=${ctx.state.n.value()} wm=${ctx.timers.currentWatermark()}`);
          },
        }),
      )
      .to(collect())
      .run();
    expect(result).toEqual(['event b@5 n=1 wm=8', 'event a@7 n=2 wm=8', 'event a@10 n=2 wm=30']);
  });

  it('fires remaining event-time timers at end of input', async () => {
    const { result } = await pipeline()
      .from(fromArray(['x']))
      .pipe(
        keyedProcess<string, string, string>({
          keyBy: (x) => x,
          processElement(_x, ctx) {
            ctx.timers.registerEventTimeTimer(1000);
          },
          onTimer: (ts, ctx) => ctx.emit(`${ctx.key}@${ts}`),
        }),
      )
      .to(collect())
      .run();
    expect(result).toEqual(['x@1000']);
  });

  it('fires processing-time timers on the run clock, and deleted ones never', async () => {
    const clock = new VirtualClock(1000);
    const subject = new Subject<string>();
    const out: string[] = [];
    const handle = pipeline()
      .from(fromObservable(subject))
      .pipe(
        keyedProcess<string, string, string>({
          keyBy: (x) => x,
          processElement(x, ctx) {
            const now = ctx.timers.currentProcessingTime();
            ctx.timers.registerProcessingTimeTimer(now + 50);
            ctx.timers.registerProcessingTimeTimer(now + 50);
            ctx.timers.registerProcessingTimeTimer(now + 80);
            if (x === 'b') ctx.timers.deleteProcessingTimeTimer(now + 50);
          },
          onTimer: (ts, ctx, kind) => {
            out.push(`${kind} ${ctx.key}@${ts}`);
            ctx.emit(ctx.key);
          },
        }),
      )
      .to(collect())
      .start({ clock });
    await clock.advanceBy(1);
    subject.next('a');
    subject.next('b');
    await clock.advanceBy(100);
    subject.complete();
    await handle.result;
    expect(out).toEqual(['processing a@1051', 'processing a@1081', 'processing b@1081']);
  });

  it('stops with an error naming the node, or skips, when processElement throws', async () => {
    const failing = (opts?: { errors?: ReturnType<typeof onError.skip> }) =>
      keyedProcess<number, number, number>(
        {
          keyBy: (x) => x,
          processElement(x, ctx) {
            if (x === 2) throw new Error('boom');
            ctx.emit(x);
          },
        },
        { name: 'proc', ...opts },
      );
    await expect(pipeline().from(fromArray([1, 2, 3])).pipe(failing()).to(collect()).run()).rejects.toThrow('[keyedProcess "proc", item #1, attempt 1] failed: boom');
    const skipped = await pipeline().from(fromArray([1, 2, 3])).pipe(failing({ errors: onError.skip() })).to(collect()).run();
    expect(skipped.result).toEqual([1, 3]);
    expect(skipped.stats['proc']).toEqual({ in: 3, out: 2, errors: 1, skipped: 1 });
  });

  it('retries a failed processElement under a retry strategy, then stops when the attempts are exhausted', async () => {
    const attempts: string[] = [];
    const flaky = (failures: number) =>
      keyedProcess<number, string, number, typeof countState>(
        {
          keyBy: (x) => x % 2,
          state: countState,
          processElement(x, ctx) {
            attempts.push(`${x}`);
            if (x === 2 && attempts.filter((a) => a === '2').length <= failures) throw new Error('flaky');
            ctx.state.n.update(ctx.state.n.value()! + 1);
            ctx.emit(`${ctx.key}:${x}:${ctx.state.n.value()}`);
          },
        },
        { name: 'flaky', errors: onError.retry({ maxAttempts: 3, initialDelayMs: 0, jitter: 0 }) },
      );
    const ok = await pipeline().from(fromArray([1, 2, 3, 4])).pipe(flaky(2)).to(collect()).run();
    expect(ok.result).toEqual(['1:1:1', '0:2:1', '1:3:2', '0:4:2']);
    expect(attempts).toEqual(['1', '2', '2', '2', '3', '4']);
    attempts.length = 0;
    await expect(pipeline().from(fromArray([1, 2, 3])).pipe(flaky(5)).to(collect()).run()).rejects.toThrow('[keyedProcess "flaky", item #1, attempt 3] failed: flaky');
    expect(attempts).toEqual(['1', '2', '2', '2']);
  });

  it('fails when keyBy returns undefined', async () => {
    const run = pipeline()
      .from(fromArray([1]))
      .pipe(keyedProcess<number, number, never>({ keyBy: () => undefined as never, processElement: () => undefined }, { name: 'k' }))
      .to(collect())
      .run();
    await expect(run).rejects.toThrow('[keyedProcess "k", item #0, attempt 1] failed: keyBy returned undefined');
  });

  it('rejects a malformed function', () => {
    expect(() => keyedProcess({} as never)).toThrow(new InvalidArgumentError('keyedProcess: expected { keyBy, processElement } functions'));
    expect(() => keyedProcess({ keyBy: () => 1, processElement: () => undefined, state: { '': valueState() } })).toThrow('keyedProcess: invalid state name ""');
  });

  it('snapshots state and timers at barriers and restores both', async () => {
    const backend = memoryBackend();
    const storage = memoryCheckpointStorage();
    const job = (items: Array<Element<string>>) =>
      pipeline()
        .from(fromArray(items as string[], { name: 'src' }))
        .pipe(
          keyedProcess<string, string, string, typeof countState>(
            {
              keyBy: (x) => x,
              state: countState,
              processElement(x, ctx) {
                const n = ctx.state.n.value()! + 1;
                ctx.state.n.update(n);
                if (n === 1) ctx.timers.registerEventTimeTimer(100);
                ctx.emit(`${x}${n}`);
              },
              onTimer: (ts, ctx) => ctx.emit(`timer ${ctx.key}@${ts}`),
            },
            { name: 'counter' },
          ),
        )
        .to(collect());
    const first = new CheckpointCoordinator({ backend, storage });
    const run1 = first.run(job(['a', 'b', 'a']), { runOptions: { creditWindow: 1 } });
    await run1;
    // Restoring the final checkpoint with a longer input continues counting; the timers fired at end of input.
    const second = await new CheckpointCoordinator({ backend, storage }).run(job(['a', 'b', 'a', 'b', 'c']));
    expect(second.result).toEqual(['b2', 'c1', 'timer c@100']);
  });

  it('refuses restored state whose names the operator no longer declares, naming the operator', async () => {
    const backend = memoryBackend();
    const storage = memoryCheckpointStorage();
    const job = (state: Record<string, ReturnType<typeof valueState<number>>>) =>
      pipeline()
        .from(fromArray(['a'], { name: 'src' }))
        .pipe(keyedProcess({ keyBy: (x: string) => x, state, processElement: (_x, ctx) => (ctx.state as Record<string, ReturnType<ReturnType<typeof valueState<number>>['bind']>>)['old']?.update(1) }, { name: 'op' }))
        .to(collect());
    await new CheckpointCoordinator({ backend, storage }).run(job({ old: valueState<number>() }));
    const run = new CheckpointCoordinator({ backend, storage }).run(job({ renamed: valueState<number>() }));
    await expect(run).rejects.toThrow(StateMismatchError);
    await expect(new CheckpointCoordinator({ backend, storage }).run(job({ renamed: valueState<number>() }))).rejects.toThrow(
      '[keyedProcess "op"] restored state has "old", which this operator no longer declares',
    );
  });
});
