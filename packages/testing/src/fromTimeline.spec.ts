import { checkpointBarrier, collect, map, pipeline, StreamWeaveError, VirtualClock, watermark } from '@streamweave/core';
import { advanceAndSettle, collectElements, expectNoLeakedTimers, formatElements, fromTimeline, runPipeline } from './index.js';

describe('fromTimeline', () => {
  it('emits each entry when the virtual clock reaches its time, same-time entries in script order', async () => {
    const clock = new VirtualClock(1000);
    const into: unknown[] = [];
    const handle = pipeline()
      .from(
        fromTimeline<string>([
          { at: 50, value: 'c' },
          { at: 0, value: 'a' },
          { at: 50, signal: watermark(1040) },
          { at: 10, value: 'b' },
          { at: 80, end: true },
        ]),
      )
      .pipe(map((x: string) => `${x}@${clock.now()}`))
      .to(collectElements({ into }))
      .start({ clock });
    await advanceAndSettle(clock, 0);
    expect(formatElements(into)).toEqual(['"a@1000"']);
    await advanceAndSettle(clock, 10);
    expect(formatElements(into)).toEqual(['"a@1000"', '"b@1010"']);
    await advanceAndSettle(clock, 39);
    expect(into).toHaveLength(2);
    await advanceAndSettle(clock, 1);
    expect(formatElements(into)).toEqual(['"a@1000"', '"b@1010"', '"c@1050"', 'W(1040)']);
    await advanceAndSettle(clock, 30);
    const { status } = await handle.result;
    expect(status).toBe('completed');
    expect(formatElements(into)).toEqual(['"a@1000"', '"b@1010"', '"c@1050"', 'W(1040)', 'EOS']);
    expectNoLeakedTimers(clock);
  });

  it('emits only as many due entries as there is credit', async () => {
    const clock = new VirtualClock();
    const entries = Array.from({ length: 5 }, (_, i) => ({ at: 0, value: i }));
    const out = await runPipeline(fromTimeline([...entries, { at: 1, end: true }]), [], { clock, creditWindow: 2 });
    expect(out.data).toEqual([0, 1, 2, 3, 4]);
  });

  it('stays open after the last entry until the run is drained', async () => {
    const clock = new VirtualClock();
    const handle = pipeline().from(fromTimeline([{ at: 5, value: 1 }])).to(collect()).start({ clock });
    await advanceAndSettle(clock, 1000);
    expect(clock.pendingTimers).toBe(0);
    handle.drain();
    const r = await handle.result;
    expect(r).toMatchObject({ result: [1], status: 'drained' });
  });

  it('cancels its pending timer when the run is drained early', async () => {
    const clock = new VirtualClock();
    const handle = pipeline().from(fromTimeline([{ at: 5000, value: 1 }])).to(collect()).start({ clock });
    await advanceAndSettle(clock, 10);
    expect(clock.pendingTimers).toBe(1);
    handle.drain();
    expect((await handle.result).result).toEqual([]);
    expectNoLeakedTimers(clock);
  });

  it('fails the source at an error entry, naming the source', async () => {
    const clock = new VirtualClock();
    const out = await runPipeline(fromTimeline([{ at: 0, value: 1 }, { at: 10, error: new Error('disk gone') }]), [], { clock, allowError: true });
    expect(out.data).toEqual([1]);
    expect(out.error).toBeInstanceOf(StreamWeaveError);
    expect((out.error as Error).message).toBe('[fromTimeline "fromTimeline", item #1, attempt 1] failed: disk gone');
  });

  it('is replayable: a restored position skips the entries already emitted', async () => {
    const clock = new VirtualClock();
    const src = fromTimeline([{ at: 0, value: 'a' }, { at: 0, value: 'b' }, { at: 0, value: 'c' }, { at: 0, end: true }]);
    const handle = pipeline().from(src).to(collect()).start({ clock, restore: { positions: { fromTimeline: 2 } } });
    expect((await handle.result).result).toEqual(['c']);
  });

  it('reports its position (entries emitted) at a checkpoint barrier', async () => {
    const clock = new VirtualClock();
    const positions: unknown[] = [];
    const handle = pipeline()
      .from(fromTimeline([{ at: 0, value: 'a' }, { at: 10, value: 'b' }, { at: 20, end: true }]))
      .to(collect())
      .start({ clock, checkpoints: { onSourceBarrier: (_id, _b, position) => positions.push(position) } });
    await advanceAndSettle(clock, 5);
    handle.injectBarrier(checkpointBarrier(1, clock.now()));
    await advanceAndSettle(clock, 20);
    expect((await handle.result).result).toEqual(['a', 'b']);
    expect(positions).toEqual([1]);
  });

  it('rejects malformed entries with the entry index', () => {
    expect(() => fromTimeline('x' as never)).toThrow('fromTimeline: `entries` must be an array');
    expect(() => fromTimeline([{ at: 0, value: 1 }, { at: -1, value: 2 }])).toThrow('fromTimeline: entry #1 must be');
    expect(() => fromTimeline([{ at: 0 } as never])).toThrow('fromTimeline: entry #0 must be');
    expect(() => fromTimeline([{ at: 0, signal: 'w' } as never])).toThrow('entry #0');
    expect(() => fromTimeline([null as never])).toThrow('entry #0');
  });
});
