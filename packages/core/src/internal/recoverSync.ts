/** Error handling shared by synchronous operators: applies the strategy after a throw. */
import type { Subscriber } from 'rxjs';
import type { NodeContext } from '../contracts.js';

/** Returned by {@link recoverSync} when the item is gone (skipped, dead-lettered or the stream failed). */
export const failed: unique symbol = Symbol('failed');

/**
 * Called after `call()` threw `error` for the `position`-th item: retries at once
 * while the strategy says so, and returns the first successful result, or
 * {@link failed} once the item was skipped, dead-lettered or the stream errored.
 */
export function recoverSync<R>(
  ctx: NodeContext,
  out: Subscriber<unknown>,
  error: unknown,
  item: unknown,
  position: number,
  call: () => R,
): R | typeof failed {
  for (let attempt = 1; ; attempt++) {
    const d = ctx.fail(error, item, position, attempt);
    if (d.action === 'stop') {
      out.error(d.error);
      return failed;
    }
    if (d.action !== 'retry') return failed;
    try {
      return call();
    } catch (again) {
      error = again;
    }
  }
}
