import { pipeline, range, systemClock, VirtualClock } from '@streamweave/core';
import { advanceAndSettle, driveUntilSettled, slowConsumer } from '../index.js';

describe('slowConsumer', () => {
  it('takes delayMs per item on the run clock and collects the items', async () => {
    const clock = new VirtualClock();
    const run = pipeline().from(range(0, 3)).to(slowConsumer<number>(100)).run({ clock });
    const { result } = await driveUntilSettled(clock, run);
    expect(result).toEqual([0, 1, 2]);
    expect(clock.now()).toBe(300);
  });

  it('holds credit, so a fast source stays within the credit window', async () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    const handle = pipeline()
      .from(range(0, 1000))
      .to(slowConsumer<number>(10, { onItem: (_, position) => seen.push(position) }))
      .start({ clock, creditWindow: 4 });
    await advanceAndSettle(clock, 0);
    // At most creditWindow items may be in flight at the sink before any finished.
    expect(handle.stats()['range']!.out).toBeLessThanOrEqual(5);
    await advanceAndSettle(clock, 50);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(handle.stats()['range']!.out).toBeLessThanOrEqual(10);
    handle.cancel();
    await expect(handle.result).rejects.toThrow('cancelled');
  });

  it('can wait on its own clock, given as an option or directly', async () => {
    const own = new VirtualClock();
    const run = pipeline().from(range(0, 2)).to(slowConsumer<number>(5, { clock: own })).run({ clock: systemClock });
    expect((await driveUntilSettled(own, run)).result).toEqual([0, 1]);
    const run2 = pipeline().from(range(0, 3)).to(slowConsumer<number>(5, own)).run({ clock: systemClock });
    expect((await driveUntilSettled(own, run2)).result).toEqual([0, 1, 2]);
    expect(own.now()).toBe(25);
  });

  it('rejects a bad delay', () => {
    expect(() => slowConsumer(-1)).toThrow('slowConsumer: `delayMs` must be a non-negative finite number, got -1');
  });
});
