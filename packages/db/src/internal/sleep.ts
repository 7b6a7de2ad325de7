import type { NodeContext } from '@streamweave/core';

/** Waits `ms` on the run's clock (virtual in tests); resolves early when the run is cancelled. */
export function sleep(ctx: Pick<NodeContext, 'clock' | 'signal'>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (ctx.signal.aborted) return resolve();
    const onAbort = () => {
      cancel();
      resolve();
    };
    const cancel = ctx.clock.schedule(() => {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retries `step` up to `retries` times with doubling backoff on the run's clock; the last error is thrown. */
export async function withRetries<R>(ctx: Pick<NodeContext, 'clock' | 'signal'>, retries: number, backoffMs: number, step: () => Promise<R>): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (e) {
      if (attempt >= retries || ctx.signal.aborted) throw e;
      await sleep(ctx, backoffMs * 2 ** attempt);
    }
  }
}
