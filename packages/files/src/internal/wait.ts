/** Waiting on the run's clock that ends early when the source is stopped. */
import type { NodeContext } from '@streamweave/core';

/** Resolves after `ms` on ctx.clock, or at once when ctx.signal aborts (drain or cancel). */
export function waitOrStop(ctx: NodeContext, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (ctx.signal.aborted) {
      resolve();
      return;
    }
    const onStop = () => {
      cancel();
      resolve();
    };
    const cancel = ctx.clock.schedule(() => {
      ctx.signal.removeEventListener('abort', onStop);
      resolve();
    }, ms);
    ctx.signal.addEventListener('abort', onStop, { once: true });
  });
}
