/** Helpers that drive core's VirtualClock: no second clock, only conveniences around it. */
import type { Clock, VirtualClock } from '@streamweave/core';

/**
 * Moves virtual time forward by `ms`, firing due timers in order, then lets
 * promise chains and yielded loops settle once more so assertions see their effects.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const handle = pipeline().from(interval(100)).to(collect()).start({ clock });
 * await advanceAndSettle(clock, 250); // ticks 0 and 1 have been delivered
 * ```
 * @see {@link driveUntilSettled}
 */
export async function advanceAndSettle(clock: VirtualClock, ms: number, turns = 5): Promise<void> {
  await clock.advanceBy(ms);
  await clock.settle(turns);
}

/** Options of {@link driveUntilSettled}. */
export interface DriveOptions {
  /** Most timers to fire before giving up on a run that never ends (default 100 000). */
  readonly maxTimers?: number;
  /**
   * Real milliseconds to wait while no virtual timer is pending and the promise has
   * not settled, before failing with a deadlock message (default 5000). Real I/O
   * (files, sockets) may complete in this window.
   */
  readonly idleTimeoutMs?: number;
}

/**
 * Fires the clock's timers one at a time, in time order, until `promise` settles;
 * returns its outcome. Use it when a test does not care about intermediate times,
 * only about the end result of a time-based run.
 *
 * With a non-virtual clock it simply awaits the promise.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const run = pipeline().from(timer(60_000)).to(collect()).run({ clock });
 * const { result } = await driveUntilSettled(clock, run); // [0], without waiting a minute
 * ```
 * @see {@link advanceAndSettle}
 */
export async function driveUntilSettled<T>(clock: Clock | undefined, promise: Promise<T>, options: DriveOptions = {}): Promise<T> {
  if (!isVirtual(clock)) return promise;
  const maxTimers = options.maxTimers ?? 100_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 5000;
  let settled = false;
  // Observe settlement without turning a rejection into an unhandled one.
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  let fired = 0;
  let idleSince: number | undefined;
  while (!settled) {
    await clock.settle(1);
    if (settled) break;
    if (clock.pendingTimers > 0) {
      idleSince = undefined;
      if (fired >= maxTimers) {
        throw new Error(`driveUntilSettled: still running after firing ${maxTimers} virtual timers (an unbounded periodic source?)`);
      }
      fired++;
      await clock.runAll(1);
      continue;
    }
    // Date.now here measures the test's real patience, not stream time.
    idleSince ??= Date.now();
    if (Date.now() - idleSince > idleTimeoutMs) {
      throw new Error(
        `driveUntilSettled: no virtual timer pending and nothing settled for ${idleTimeoutMs} ms (a source that never ends, or a deadlock?)`,
      );
    }
  }
  return promise;
}

/**
 * Fails when `clock` still has timers scheduled: an operator that forgot to cancel
 * its timer on completion or cancellation leaks it. Throws a plain Error, so it
 * works inside any test runner (`expect(() => expectNoLeakedTimers(clock)).not.toThrow()`
 * or just call it at the end of a test).
 *
 * @example
 * ```ts
 * await handle.result;
 * expectNoLeakedTimers(clock);
 * ```
 * @see {@link driveUntilSettled}
 */
export function expectNoLeakedTimers(clock: VirtualClock): void {
  const n = clock.pendingTimers;
  if (n > 0) {
    throw new Error(`expected no pending timers on the virtual clock at time ${clock.now()}, found ${n} (a timer was not cancelled)`);
  }
}

/** Duck-typed, so a VirtualClock from another copy of core (a second install) is still driven. */
function isVirtual(clock: Clock | undefined): clock is VirtualClock {
  const c = clock as Partial<VirtualClock> | undefined;
  return typeof c?.runAll === 'function' && typeof c.settle === 'function' && typeof c.pendingTimers === 'number';
}
