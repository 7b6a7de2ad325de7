/** Fault injection: an async function that fails a given number of times first. */
import { InvalidArgumentError } from '@streamweave/core';

/** A function built by {@link flakyAsync}, with counters. */
export interface FlakyFunction<A extends unknown[], R> {
  /** Calls the wrapped function, or rejects while injected failures remain. */
  (...args: A): Promise<R>;
  /** Calls so far. */
  readonly calls: number;
  /** Calls that were made to fail so far. */
  readonly failures: number;
}

/**
 * Wraps `fn` so that its first `failTimes` calls reject with `error` (a fresh
 * `Error` naming the call number by default); later calls delegate to `fn`. Use it
 * to test retry strategies of `mapAsync`, consumers and sources.
 *
 * @example
 * ```ts
 * const fetchUser = flakyAsync(async (id: number) => ({ id }), 2);
 * await fetchUser(1).catch(() => 'failed'); // 'failed'
 * await fetchUser(1).catch(() => 'failed'); // 'failed'
 * await fetchUser(1); // { id: 1 }
 * fetchUser.calls; // 3
 * ```
 * @see {@link failAt}
 */
export function flakyAsync<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  failTimes: number,
  error?: unknown,
): FlakyFunction<A, R> {
  if (typeof fn !== 'function') throw new InvalidArgumentError(`flakyAsync: \`fn\` must be a function, got ${typeof fn}`);
  if (!(Number.isInteger(failTimes) && failTimes >= 0)) {
    throw new InvalidArgumentError(`flakyAsync: \`failTimes\` must be a non-negative integer, got ${String(failTimes)}`);
  }
  let calls = 0;
  let failures = 0;
  const flaky = async (...args: A): Promise<R> => {
    calls++;
    if (failures < failTimes) {
      failures++;
      throw error ?? new Error(`flakyAsync: injected failure on call ${calls}`);
    }
    return fn(...args);
  };
  Object.defineProperty(flaky, 'calls', { get: () => calls });
  Object.defineProperty(flaky, 'failures', { get: () => failures });
  return flaky as FlakyFunction<A, R>;
}
