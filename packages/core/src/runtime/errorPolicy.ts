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

/** Applies the strategy to one failure. */
export function resolveFailure(
  fc: FailureContext,
  cause: unknown,
  item: unknown,
  position: number,
  attempt: number,
): ResolvedErrorAction {
  const error =
    cause instanceof StreamWeaveError && cause.component !== undefined
      ? cause
      : new StreamWeaveError('failed', { component: fc.component, position, attempt, cause });
  fc.stats.errors++;
  fc.hooks?.onError?.(fc.component.id, error);
  const s = fc.strategy;
  switch (s.kind) {
    case 'stop':
      return { action: 'stop', error };
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
        return {
          action: 'stop',
          error: new StreamWeaveError('custom error strategy threw', { component: fc.component, position, attempt, cause: e }),
        };
      }
      if (typeof decided === 'object' && decided !== null && typeof decided.retryAfterMs === 'number') {
        return { action: 'retry', delayMs: Math.max(0, decided.retryAfterMs), error };
      }
      if (decided === 'skip' || decided === 'deadLetter' || decided === 'stop') return applyTerminal(fc, decided, error, item);
      return {
        action: 'stop',
        error: new StreamWeaveError(`custom error strategy returned an unknown action ${JSON.stringify(decided)}`, {
          component: fc.component,
          position,
          attempt,
          cause,
        }),
      };
    }
  }
}

function applyTerminal(
  fc: FailureContext,
  action: 'stop' | 'skip' | 'deadLetter',
  error: StreamWeaveError,
  item: unknown,
): ResolvedErrorAction {
  if (action === 'stop') return { action: 'stop', error };
  if (action === 'skip') {
    fc.stats.skipped++;
    return { action: 'skip', error };
  }
  return routeToDeadLetter(fc, error, item);
}

function routeToDeadLetter(fc: FailureContext, error: StreamWeaveError, item: unknown): ResolvedErrorAction {
  if (!fc.deadLetter) {
    return {
      action: 'stop',
      error: new StreamWeaveError('error strategy chose the dead-letter route, but the run has no deadLetter consumer', {
        component: fc.component,
        ...(error.position === undefined ? {} : { position: error.position }),
        cause: error,
      }),
    };
  }
  fc.stats.skipped++;
  fc.deadLetter({ item, error });
  return { action: 'deadLetter', error };
}
