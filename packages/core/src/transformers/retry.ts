import type { NodeOptions, Transformer } from '../contracts.js';
import { type BackoffOptions, backoffDelay, requireFunction, requirePositiveInteger } from '../errors.js';
import { asyncStage } from '../internal/asyncStage.js';
import { defineTransformer } from '../internal/define.js';

/** Options of {@link retry}. */
export interface RetryOptions extends NodeOptions, BackoffOptions {
  /** Total attempts per item, including the first (default 3). */
  readonly maxAttempts?: number;
  /** Which failures to retry (default: all). Others go straight to the error strategy. */
  readonly retryIf?: (error: unknown, attempt: number) => boolean;
  /** Calls in flight at once (default 1). */
  readonly concurrency?: number;
  /** Uniform random numbers in [0, 1) for jitter (default Math.random). */
  readonly random?: () => number;
}

/**
 * Runs an async per-item operation and retries it on failure with exponential
 * backoff and jitter (on the run's clock). When every attempt failed, the
 * last error goes through the node's error strategy (skip, dead-letter, stop…).
 *
 * @example
 * ```ts
 * pipeline().from(fromArray(orders)).pipe(retry((o) => api.submit(o), { maxAttempts: 5, initialDelayMs: 200 }));
 * ```
 * @see {@link mapAsync}, {@link circuitBreaker}
 */
export function retry<I, O>(operation: (item: I, attempt: number) => Promise<O>, options: RetryOptions = {}): Transformer<I, O> {
  requireFunction('retry', 'operation', operation);
  const maxAttempts = options.maxAttempts ?? 3;
  requirePositiveInteger('retry', 'maxAttempts', maxAttempts);
  const concurrency = options.concurrency ?? 1;
  requirePositiveInteger('retry', 'concurrency', concurrency, true);
  const backoff: Required<BackoffOptions> = {
    initialDelayMs: options.initialDelayMs ?? 100,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    factor: options.factor ?? 2,
    jitter: options.jitter ?? 0.2,
  };
  const random = options.random ?? Math.random;
  return defineTransformer<I, O>('retry', { operation, maxAttempts, ...backoff, concurrency }, options, (out, ctx) =>
    asyncStage<I, O>(out, ctx, { concurrency, ordered: true }, async (value) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await operation(value, attempt);
        } catch (e) {
          if (attempt >= maxAttempts || ctx.signal.aborted || (options.retryIf && !options.retryIf(e, attempt))) throw e;
          const delay = backoffDelay(backoff, attempt, random);
          await new Promise<void>((resolve) => {
            // A cancelled run must not leave the backoff timer behind.
            const onAbort = () => {
              cancel();
              resolve();
            };
            const cancel = ctx.clock.schedule(() => {
              ctx.signal.removeEventListener('abort', onAbort);
              resolve();
            }, delay);
            ctx.signal.addEventListener('abort', onAbort, { once: true });
          });
          if (ctx.signal.aborted) throw e;
        }
      }
    }),
  );
}
