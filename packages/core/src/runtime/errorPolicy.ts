/** Turns a failure plus the effective error strategy into an action. */
import type { ComponentRef, DeadLetter, ErrorStrategy } from '../errors.js';
import { StreamWeaveError, backoffDelay } from '../errors.js';
import type { NodeStats, ResolvedErrorAction, RunHooks } from '../contracts.js';

/** Inputs of {@link resolveFailure}. */
export interface FailureContext {
  readonly component: ComponentRef;
  readonly strategy: ErrorStrategy;
  readonly stats: NodeStats;
  readonly hooks: RunHooks | undefined;
  /** Routes to the dead-letter consumer; undefined when the run has none. */
  readonly deadLetter: ((letter: DeadLetter) => void) | undefined;
  readonly random: () => number;
}

/**
 * Errors a strategy already resolved to `stop`. A source that applies its node's
 * strategy itself (to give `skip` a meaning, such as "skip this file") must still
 * throw to end its stream; the runtime then sees the same error again and must not
 * count it twice or re-apply the strategy (a retry strategy would retry it anew).
 */
const stopped = new WeakSet<object>();

function stop(error: StreamWeaveError): ResolvedErrorAction {
  stopped.add(error);
  return { action: 'stop', error };
}

/** Applies the strategy to one failure. */
export function resolveFailure(
  fc: FailureContext,
  cause: unknown,
  item: unknown,
  position: number,
  attempt: number,
): ResolvedErrorAction {
  if (cause instanceof StreamWeaveError && stopped.has(cause)) return { action: 'stop', error: cause };
  const error =
    cause instanceof StreamWeaveError && cause.component !== undefined
      ? cause
      : new StreamWeaveError('failed', { component: fc.component, position, attempt, cause });
  fc.stats.errors++;
  fc.hooks?.onError?.(fc.component.id, error);
  const s = fc.strategy;
  switch (s.kind) {
    case 'stop':
      return stop(error);
    case 'skip':
      fc.stats.skipped++;
      return { action: 'skip', error };
    case 'deadLetter':
      return routeToDeadLetter(fc, error, item);
    case 'retry':
      if (attempt < s.maxAttempts) return { action: 'retry', delayMs: backoffDelay(s.backoff, attempt, fc.random), error };
      return applyTerminal(fc, s.onExhausted, error, item);
    case 'custom': {
      let decided;
      try {
        decided = s.decide({ error, cause, item, attempt, component: fc.component, position });
      } catch (e) {
        return stop(new StreamWeaveError('custom error strategy threw', { component: fc.component, position, attempt, cause: e }));
      }
      if (typeof decided === 'object' && decided !== null && typeof decided.retryAfterMs === 'number') {
        return { action: 'retry', delayMs: Math.max(0, decided.retryAfterMs), error };
      }
      if (decided === 'skip' || decided === 'deadLetter' || decided === 'stop') return applyTerminal(fc, decided, error, item);
      return stop(
        new StreamWeaveError(`custom error strategy returned an unknown action ${JSON.stringify(decided)}`, {
          component: fc.component,
          position,
          attempt,
          cause,
        }),
      );
    }
  }
}

function applyTerminal(
  fc: FailureContext,
  action: 'stop' | 'skip' | 'deadLetter',
  error: StreamWeaveError,
  item: unknown,
): ResolvedErrorAction {
  if (action === 'stop') return stop(error);
  if (action === 'skip') {
    fc.stats.skipped++;
    return { action: 'skip', error };
  }
  return routeToDeadLetter(fc, error, item);
}

function routeToDeadLetter(fc: FailureContext, error: StreamWeaveError, item: unknown): ResolvedErrorAction {
  if (!fc.deadLetter) {
    return stop(
      new StreamWeaveError('error strategy chose the dead-letter route, but the run has no deadLetter consumer', {
        component: fc.component,
        ...(error.position === undefined ? {} : { position: error.position }),
        cause: error,
      }),
    );
  }
  fc.stats.skipped++;
  fc.deadLetter({ item, error });
  return { action: 'deadLetter', error };
}
