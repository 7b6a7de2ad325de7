import { systemClock, VirtualClock } from './index.js';

describe('VirtualClock', () => {
  it('fires timers in time order, then insertion order, only when advanced', async () => {
    const clock = new VirtualClock(1000);
    const fired: string[] = [];
    clock.schedule(() => fired.push('b@20'), 20);
    clock.schedule(() => fired.push('a@10'), 10);
    clock.schedule(() => fired.push('c@20'), 20);
    const cancel = clock.schedule(() => fired.push('cancelled'), 15);
    cancel();
    cancel();
    expect(clock.pendingTimers).toBe(3);
    await clock.advanceBy(10);
    expect(fired).toEqual(['a@10']);
    expect(clock.now()).toBe(1010);
    await clock.advanceTo(1020);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
  });

  it('runAll fires chained timers and stops runaway ones', async () => {
    const clock = new VirtualClock();
    let n = 0;
    const tick = () => {
      n++;
      clock.schedule(tick, 5);
    };
    clock.schedule(tick, 5);
    await clock.runAll(10);
    expect(n).toBe(10);
    expect(clock.now()).toBe(50);
  });

  it('systemClock uses real time', async () => {
    const t0 = systemClock.now();
    expect(Math.abs(t0 - Date.now())).toBeLessThan(50);
    await new Promise<void>((resolve) => systemClock.schedule(resolve, 1));
    const cancel = systemClock.schedule(() => {
      throw new Error('must not fire');
    }, 1);
    cancel();
  });
});
