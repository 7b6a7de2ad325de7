import { collect, interval, pipeline, systemClock, take, timer, VirtualClock } from '@streamweave/core';
import { advanceAndSettle, collectElements, driveUntilSettled, expectNoLeakedTimers, fromTimeline } from './index.js';

describe('advanceAndSettle', () => {
  it('moves virtual time and lets the pipeline deliver what fell due', async () => {
    const clock = new VirtualClock();
    const into: unknown[] = [];
    const handle = pipeline().from(interval(100)).to(collectElements({ into })).start({ clock });
    await advanceAndSettle(clock, 250);
    expect(into).toEqual([0, 1]);
    expect(clock.now()).toBe(250);
    handle.drain();
    await advanceAndSettle(clock, 0);
    const { status } = await handle.result;
    expect(status).toBe('drained');
    expectNoLeakedTimers(clock);
  });
});

describe('driveUntilSettled', () => {
  it('fires timers until the run ends, without real waiting', async () => {
    const clock = new VirtualClock();
    const { result } = await driveUntilSettled(clock, pipeline().from(interval(1000)).pipe(take(3)).to(collect()).run({ clock }));
    expect(result).toEqual([0, 1, 2]);
    expect(clock.now()).toBe(3000);
  });

  it('just awaits the promise for a non-virtual clock', async () => {
    await expect(driveUntilSettled(systemClock, Promise.resolve(7))).resolves.toBe(7);
    await expect(driveUntilSettled(undefined, Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('passes a rejection through', async () => {
    const clock = new VirtualClock();
    const failing = new Promise((_, reject) => clock.schedule(() => reject(new Error('late failure')), 10));
    await expect(driveUntilSettled(clock, failing)).rejects.toThrow('late failure');
  });

  it('gives up on an unbounded periodic run after maxTimers', async () => {
    const clock = new VirtualClock();
    const handle = pipeline().from(interval(10)).to(collect()).start({ clock });
    await expect(driveUntilSettled(clock, handle.result, { maxTimers: 5 })).rejects.toThrow(
      'driveUntilSettled: still running after firing 5 virtual timers',
    );
    handle.cancel();
    await expect(handle.result).rejects.toThrow('cancelled');
  });

  it('fails with a deadlock message when nothing is pending and nothing settles', async () => {
    const clock = new VirtualClock();
    const handle = pipeline().from(fromTimeline([{ at: 0, value: 1 }])).to(collect()).start({ clock });
    await expect(driveUntilSettled(clock, handle.result, { idleTimeoutMs: 30 })).rejects.toThrow(
      'driveUntilSettled: no virtual timer pending and nothing settled for 30 ms',
    );
    handle.drain();
    expect((await handle.result).result).toEqual([1]);
  });
});

describe('expectNoLeakedTimers', () => {
  it('throws naming the number of pending timers', async () => {
    const clock = new VirtualClock(5);
    const cancel = clock.schedule(() => undefined, 10);
    expect(() => expectNoLeakedTimers(clock)).toThrow('expected no pending timers on the virtual clock at time 5, found 1');
    cancel();
    expect(() => expectNoLeakedTimers(clock)).not.toThrow();
  });

  it('passes after a timer-based run completed', async () => {
    const clock = new VirtualClock();
    await driveUntilSettled(clock, pipeline().from(timer(5)).to(collect()).run({ clock }));
    expect(() => expectNoLeakedTimers(clock)).not.toThrow();
  });
});
