/**
 * Time source used by every time-based operator. The runtime uses the system
 * clock; tests pass a virtual clock (see `@streamweave/testing`) so nothing
 * sleeps for real.
 */

/** Cancels a scheduled callback. Calling it twice is harmless. */
export type Cancel = () => void;

/**
 * A clock: current time plus one-shot timers.
 *
 * @example
 * ```ts
 * const cancel = clock.schedule(() => flush(), 1000);
 * ```
 * @see {@link systemClock}
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` once after `delayMs`; returns a function that cancels it. */
  schedule(callback: () => void, delayMs: number): Cancel;
}

/**
 * The real clock (Date.now and setTimeout).
 *
 * @example
 * ```ts
 * pipeline().from(interval(1000)).to(collect()).run({ clock: systemClock });
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(callback, delayMs) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  },
};
