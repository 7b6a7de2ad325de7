/**
 * Credit-based backpressure. Each source has a pool of `window` credits. An item
 * pushed synchronously through the chain costs nothing once the push returns;
 * a stage that keeps an item longer (async work, alignment buffers, slow sinks)
 * takes a hold on the pool of the source whose push is running — the "ambient"
 * pool — and releases it when the item leaves. The source pulls only while
 * `available > 0`, so the items kept anywhere in a run are bounded by the sum of
 * the windows, whatever the source's speed.
 */
import type { CreditHold } from '../contracts.js';

let ambient: CreditPool | undefined;
/**
 * When the item being pushed left its source (run clock, ms), for end-to-end
 * latency. Set only while a latency listener exists; holds carry it across async stages.
 */
let ambientEmittedAt = 0;

/** The source emit time of the item whose push is running. */
export function currentEmittedAt(): number {
  return ambientEmittedAt;
}

/** Sets the source emit time of the item about to be pushed. */
export function setEmittedAt(t: number): void {
  ambientEmittedAt = t;
}

/** Runs `fn` with `pool` as the ambient pool. */
export function withAmbientPool<R>(pool: CreditPool | undefined, fn: () => R): R {
  const previous = ambient;
  ambient = pool;
  try {
    return fn();
  } finally {
    ambient = previous;
  }
}

/** The ambient pool, if a push is in progress. */
export function currentPool(): CreditPool | undefined {
  return ambient;
}

const noopHold: CreditHold = {
  release() {},
  run: (fn) => fn(),
};

/** A source's credit window. */
export class CreditPool {
  private held = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly window: number) {}

  /** Credits a pull may use now. */
  get available(): number {
    return this.window - this.held;
  }

  /** Items currently held by stages. */
  get outstanding(): number {
    return this.held;
  }

  /** Takes one credit. */
  take(): CreditHold {
    this.held++;
    return new PoolHold(this, ambientEmittedAt);
  }

  /** Returns one credit taken by {@link CreditPool.take} (called once per hold). */
  giveBack(): void {
    this.held--;
    // Resume the source once half the window is free, so pulls are not one item at a time.
    if (this.waiters.length > 0 && this.held <= this.window / 2) this.wake();
  }

  /** Resolves when credit is available again (at once if it is). */
  whenAvailable(): Promise<void> {
    if (this.available > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes every waiter (used on cancellation). */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * A hold on a {@link CreditPool}. A class rather than an object of two closures: a sink that
 * keeps every item until its batch is written takes one per item, so this is on the per-item
 * path. Its methods use `this`: call them as methods (`() => hold.release()`), not detached.
 */
class PoolHold implements CreditHold {
  private released = false;

  constructor(
    private readonly pool: CreditPool,
    /** The source emit time of the item the hold was taken for (end-to-end latency). */
    private readonly emittedAt: number,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool.giveBack();
  }

  run<R>(fn: () => R): R {
    const previous = ambientEmittedAt;
    ambientEmittedAt = this.emittedAt;
    try {
      return withAmbientPool(this.pool, fn);
    } finally {
      ambientEmittedAt = previous;
    }
  }
}

/** Takes a hold on the ambient pool, or a no-op hold when no source push is running. */
export function takeAmbientHold(): CreditHold {
  return ambient ? ambient.take() : noopHold;
}
