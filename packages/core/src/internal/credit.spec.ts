import { CreditPool, currentEmittedAt, currentPool, setEmittedAt, takeAmbientHold, withAmbientPool } from './credit.js';

describe('CreditPool', () => {
  it('counts holds taken in a push against the ambient pool; release is idempotent', () => {
    const pool = new CreditPool(4);
    const hold = withAmbientPool(pool, () => takeAmbientHold());
    expect([pool.available, pool.outstanding]).toEqual([3, 1]);
    hold.release();
    hold.release();
    expect([pool.available, pool.outstanding]).toEqual([4, 0]);
    // Outside a push there is no ambient pool: the hold is a no-op.
    takeAmbientHold().release();
    expect(currentPool()).toBeUndefined();
  });

  it('a released hold still runs work under its pool, so later emissions count against the source', () => {
    const pool = new CreditPool(2);
    const handle = withAmbientPool(pool, () => takeAmbientHold());
    handle.release();
    const downstream = handle.run(() => {
      expect(currentPool()).toBe(pool);
      return takeAmbientHold();
    });
    expect([pool.outstanding, currentPool()]).toEqual([1, undefined]);
    downstream.release();
    expect(pool.outstanding).toBe(0);
  });

  it('a hold runs work with the emit time of the item it was taken for, and restores the previous one after', () => {
    const pool = new CreditPool(4);
    setEmittedAt(7);
    const hold = withAmbientPool(pool, () => takeAmbientHold());
    setEmittedAt(11);
    expect(hold.run(() => [currentEmittedAt(), currentPool()])).toEqual([7, pool]);
    expect([currentEmittedAt(), currentPool()]).toEqual([11, undefined]);
    hold.release();
    setEmittedAt(0);
  });

  it('wakes a waiting source once half the window is free', async () => {
    const pool = new CreditPool(2);
    const holds = withAmbientPool(pool, () => [takeAmbientHold(), takeAmbientHold()]);
    let woke = false;
    const waiting = pool.whenAvailable().then(() => (woke = true));
    holds[0]!.release();
    await waiting;
    expect([woke, pool.available]).toEqual([true, 1]);
    await pool.whenAvailable();
    holds[1]!.release();
  });
});
