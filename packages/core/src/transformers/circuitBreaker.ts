import type { NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError, StreamWeaveError, requireFunction, requirePositiveInteger } from '../errors.js';
import { asyncStage } from '../internal/asyncStage.js';
import { defineTransformer } from '../internal/define.js';

/** The three states of a circuit breaker. */
export type CircuitState = 'closed' | 'open' | 'halfOpen';

/** Options of {@link circuitBreaker}. */
export interface CircuitBreakerOptions extends NodeOptions {
  /** Consecutive failures that open the circuit (default 5). */
  readonly failureThreshold?: number;
  /** How long the circuit stays open before letting trial calls through (default 30 000 ms). */
  readonly resetTimeoutMs?: number;
  /** Trial calls allowed while half-open; that many successes close the circuit (default 1). */
  readonly halfOpenMaxCalls?: number;
  /** Calls in flight at once (default 1). */
  readonly concurrency?: number;
  /** Told about every state change. */
  readonly onStateChange?: (from: CircuitState, to: CircuitState, at: number) => void;
}

/**
 * Raised for items rejected while the circuit is open; goes through the node's
 * error strategy like any failure.
 *
 * @example
 * ```ts
 * onError.custom(({ cause }) => (cause instanceof CircuitOpenError ? { retryAfterMs: 1000 } : 'stop'));
 * ```
 */
export class CircuitOpenError extends StreamWeaveError {
  /** Error name, always `'CircuitOpenError'`. */
  override readonly name = 'CircuitOpenError';
}

/**
 * Calls an async operation per item behind a circuit breaker. Closed: calls go
 * through; `failureThreshold` consecutive failures open it. Open: items fail at
 * once with {@link CircuitOpenError} for `resetTimeoutMs`. Half-open: up to
 * `halfOpenMaxCalls` trial calls; as many successes close it, one failure reopens it.
 * Timings use the run's clock.
 *
 * @example
 * ```ts
 * pipeline().from(src).pipe(circuitBreaker((x) => callService(x), { failureThreshold: 3, resetTimeoutMs: 10_000 }));
 * ```
 * @see {@link retry}, {@link mapAsync}
 */
export function circuitBreaker<I, O>(operation: (item: I) => Promise<O>, options: CircuitBreakerOptions = {}): Transformer<I, O> {
  requireFunction('circuitBreaker', 'operation', operation);
  const failureThreshold = options.failureThreshold ?? 5;
  const resetTimeoutMs = options.resetTimeoutMs ?? 30_000;
  const halfOpenMaxCalls = options.halfOpenMaxCalls ?? 1;
  const concurrency = options.concurrency ?? 1;
  requirePositiveInteger('circuitBreaker', 'failureThreshold', failureThreshold);
  requirePositiveInteger('circuitBreaker', 'halfOpenMaxCalls', halfOpenMaxCalls);
  requirePositiveInteger('circuitBreaker', 'concurrency', concurrency, true);
  if (!(resetTimeoutMs >= 0)) throw new InvalidArgumentError(`circuitBreaker: \`resetTimeoutMs\` must be >= 0, got ${resetTimeoutMs}`);
  return defineTransformer<I, O>(
    'circuitBreaker',
    { operation, failureThreshold, resetTimeoutMs, halfOpenMaxCalls, concurrency },
    options,
    (out, ctx) => {
      let state: CircuitState = 'closed';
      let failures = 0;
      let openedAt = 0;
      let trials = 0;
      let trialSuccesses = 0;
      const move = (to: CircuitState) => {
        if (to === state) return;
        const from = state;
        state = to;
        if (to === 'open') openedAt = ctx.clock.now();
        if (to === 'halfOpen') {
          trials = 0;
          trialSuccesses = 0;
        }
        if (to === 'closed') failures = 0;
        options.onStateChange?.(from, to, ctx.clock.now());
      };
      return asyncStage<I, O>(out, ctx, { concurrency, ordered: true }, async (value, position, attempt) => {
        if (state === 'open' && ctx.clock.now() - openedAt >= resetTimeoutMs) move('halfOpen');
        if (state === 'open' || (state === 'halfOpen' && trials >= halfOpenMaxCalls)) {
          throw new CircuitOpenError('circuit is open', { component: ctx.component, position, attempt });
        }
        if (state === 'halfOpen') trials++;
        try {
          const result = await operation(value);
          if (state === 'halfOpen') {
            trialSuccesses++;
            if (trialSuccesses >= halfOpenMaxCalls) move('closed');
          } else failures = 0;
          return result;
        } catch (e) {
          if (state === 'halfOpen') move('open');
          else if (++failures >= failureThreshold) move('open');
          throw e;
        }
      });
    },
  );
}
