import { CreditPool, currentPool, takeAmbientHold, withAmbientPool } from './credit.js';

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
