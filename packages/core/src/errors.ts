/**
 * Errors and error strategies. Every failure names the component (node id and
 * type), the item position within that component, the attempt and the cause.
 */

/** Identifies the node an error came from. */
export interface ComponentRef {
  /** Stable node id, unique in its pipeline or graph. */
  readonly id: string;
  /** The node's type, such as `map` or `fromArray`. */
  readonly type: string;
}

/** Options for {@link StreamWeaveError}. */
export interface StreamWeaveErrorOptions {
  /** The component that failed, when known. */
  readonly component?: ComponentRef;
  /** Zero-based index of the failing item among the items the component received (or produced, for sources). */
  readonly position?: number;
  /** 1-based attempt number. */
  readonly attempt?: number;
  /** The underlying error. */
  readonly cause?: unknown;
}

/**
 * Base class of every error StreamWeave raises. Its message names the component,
 * position, attempt and cause.
 *
 * @example
 * ```ts
 * try { await p.run(); } catch (e) { if (e instanceof StreamWeaveError) console.log(e.component?.id); }
 * ```
 */
export class StreamWeaveError extends Error {
  /** Error name, `'StreamWeaveError'` unless a subclass overrides it. */
  override readonly name: string = 'StreamWeaveError';
  /** The component that failed. */
  readonly component: ComponentRef | undefined;
  /** Item position within the component. */
  readonly position: number | undefined;
  /** Attempt number (1-based). */
  readonly attempt: number | undefined;

  constructor(message: string, options: StreamWeaveErrorOptions = {}) {
    super(describeFailure(message, options), options.cause === undefined ? undefined : { cause: options.cause });
    this.component = options.component;
    this.position = options.position;
    this.attempt = options.attempt;
  }
}

function describeFailure(message: string, o: StreamWeaveErrorOptions): string {
  const where: string[] = [];
  if (o.component) where.push(`${o.component.type} "${o.component.id}"`);
  if (o.position !== undefined) where.push(`item #${o.position}`);
  if (o.attempt !== undefined) where.push(`attempt ${o.attempt}`);
  const prefix = where.length > 0 ? `[${where.join(', ')}] ` : '';
  const cause = o.cause === undefined ? '' : `: ${causeText(o.cause)}`;
  return `${prefix}${message}${cause}`;
}

function causeText(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  try {
    return typeof cause === 'string' ? cause : JSON.stringify(cause) ?? String(cause);
  } catch {
    return String(cause);
  }
}

/**
 * Raised when a graph or pipeline cannot run; names the nodes at fault.
 *
 * @example
 * ```ts
 * try { g.build(); } catch (e) { if (e instanceof GraphValidationError) console.log(e.nodes); }
 * ```
 */
export class GraphValidationError extends StreamWeaveError {
  /** Error name, always `'GraphValidationError'`. */
  override readonly name = 'GraphValidationError';
  constructor(
    message: string,
    /** Ids of the nodes involved. */
    readonly nodes: readonly string[],
  ) {
    super(message);
  }
}

/**
 * Raised (as the run's rejection) when a run is cancelled through its AbortSignal.
 *
 * @example
 * ```ts
 * run.catch((e) => { if (e instanceof PipelineAbortedError) console.log('cancelled', e.stats); });
 * ```
 */
export class PipelineAbortedError extends StreamWeaveError {
  /** Error name, always `'AbortError'` (as for DOM AbortSignal cancellations). */
  override readonly name = 'AbortError';
  /** Per-node counters at the moment of cancellation. */
  stats: Readonly<Record<string, NodeStatsSnapshot>> = {};
  constructor(reason?: unknown) {
    super('pipeline run was cancelled', reason === undefined ? {} : { cause: reason });
  }
}

/**
 * Raised when a JavaScript caller passes a value of the wrong shape.
 *
 * @example
 * ```ts
 * map(42 as never); // throws InvalidArgumentError: map: `fn` must be a function, got number
 * ```
 */
export class InvalidArgumentError extends StreamWeaveError {
  /** Error name, always `'InvalidArgumentError'`. */
  override readonly name = 'InvalidArgumentError';
}

/** Per-node counters of a run. */
export interface NodeStatsSnapshot {
  /** Data items received. */
  readonly in: number;
  /** Data items emitted. */
  readonly out: number;
  /** Failures (each attempt counts). */
  readonly errors: number;
  /** Items dropped by the Skip strategy or routed to the dead-letter consumer. */
  readonly skipped: number;
}

/** Backoff settings for {@link onError.retry}. */
export interface BackoffOptions {
  /** First delay in ms (default 100). */
  readonly initialDelayMs?: number;
  /** Upper bound of a delay in ms (default 30 000). */
  readonly maxDelayMs?: number;
  /** Growth factor per attempt (default 2). */
  readonly factor?: number;
  /** Fraction of random jitter, 0..1 (default 0.2): delay × (1 ± jitter). */
  readonly jitter?: number;
}

/** What happens to an item after its failure has been handled. */
export type ErrorAction = 'stop' | 'skip' | 'deadLetter' | { readonly retryAfterMs: number };

/** Everything known about one failure, given to a custom strategy. */
export interface FailureInfo {
  /** The error raised by the component, already wrapped with component/position. */
  readonly error: StreamWeaveError;
  /** The original thrown value. */
  readonly cause: unknown;
  /** The item that failed (undefined for source failures). */
  readonly item: unknown;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** Component that failed. */
  readonly component: ComponentRef;
  /** Position of the item within the component. */
  readonly position: number;
}

/**
 * How a component reacts to a failure. Build one with {@link onError}.
 */
export type ErrorStrategy =
  | { readonly kind: 'stop' }
  | { readonly kind: 'skip' }
  | { readonly kind: 'deadLetter' }
  | {
      readonly kind: 'retry';
      readonly maxAttempts: number;
      readonly backoff: Required<BackoffOptions>;
      readonly onExhausted: 'stop' | 'skip' | 'deadLetter';
    }
  | { readonly kind: 'custom'; readonly decide: (failure: FailureInfo) => ErrorAction };

/** Options of {@link onError.retry}. */
export interface RetryStrategyOptions extends BackoffOptions {
  /** Total attempts including the first (default 3). */
  readonly maxAttempts?: number;
  /** What to do when every attempt failed (default `stop`). */
  readonly onExhausted?: 'stop' | 'skip' | 'deadLetter';
}

/**
 * Factories for error strategies. Set one per pipeline (`run({ errors })`) and
 * override per component (`map(fn, { errors })`).
 *
 * - `stop()` (default): the run fails with an error naming the component.
 * - `skip()`: the item is dropped and counted in `skipped`.
 * - `deadLetter()`: the item and its error go to the run's dead-letter consumer.
 * - `retry()`: the item is retried with exponential backoff and jitter; then `onExhausted`.
 * - `custom(fn)`: a function decides per failure.
 *
 * Synchronous stages (map, filter) retry at once: backoff delays apply to
 * asynchronous stages (mapAsync, retry, async consumers, producers), where waiting can help.
 *
 * @example
 * ```ts
 * pipeline().from(src).pipe(map(parse, { errors: onError.deadLetter() })).to(sink)
 *   .run({ errors: onError.retry({ maxAttempts: 5 }), deadLetter: collect() });
 * ```
 */
export const onError = {
  /** Fail the run (the default). */
  stop: (): ErrorStrategy => ({ kind: 'stop' }),
  /** Drop the failed item and count it as skipped. */
  skip: (): ErrorStrategy => ({ kind: 'skip' }),
  /** Send the failed item with its error to the run's dead-letter consumer. */
  deadLetter: (): ErrorStrategy => ({ kind: 'deadLetter' }),
  /** Retry with exponential backoff and jitter, then apply `onExhausted`. */
  retry: (options: RetryStrategyOptions = {}): ErrorStrategy => {
    const maxAttempts = options.maxAttempts ?? 3;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new InvalidArgumentError(`onError.retry: maxAttempts must be a positive integer, got ${String(maxAttempts)}`);
    }
    return {
      kind: 'retry',
      maxAttempts,
      backoff: {
        initialDelayMs: options.initialDelayMs ?? 100,
        maxDelayMs: options.maxDelayMs ?? 30_000,
        factor: options.factor ?? 2,
        jitter: options.jitter ?? 0.2,
      },
      onExhausted: options.onExhausted ?? 'stop',
    };
  },
  /** Decide per failure with a function. */
  custom: (decide: (failure: FailureInfo) => ErrorAction): ErrorStrategy => {
    if (typeof decide !== 'function') {
      throw new InvalidArgumentError(`onError.custom: expected a function, got ${typeof decide}`);
    }
    return { kind: 'custom', decide };
  },
} as const;

/**
 * Delay before attempt `attempt + 1` under exponential backoff with jitter.
 *
 * @param random - a source of uniform numbers in [0, 1) (seedable in tests).
 * @example
 * ```ts
 * backoffDelay({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 }, 3); // 400
 * ```
 */
export function backoffDelay(backoff: Required<BackoffOptions>, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.factor ** Math.max(0, attempt - 1));
  const spread = base * backoff.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

/**
 * A failed item routed to the dead-letter consumer.
 *
 * @example
 * ```ts
 * const dlq = collect<DeadLetter>();
 * // after the run: dlq items carry .item and .error.component / .error.position
 * ```
 */
export interface DeadLetter<T = unknown> {
  /** The item that failed. */
  readonly item: T;
  /** The error, naming component, position, attempt and cause. */
  readonly error: StreamWeaveError;
}

/** Checks a caller-supplied argument is a function. @internal */
export function requireFunction(component: string, name: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw new InvalidArgumentError(`${component}: \`${name}\` must be a function, got ${value === null ? 'null' : typeof value}`);
  }
}

/** Checks a caller-supplied argument is a positive integer (or Infinity when allowed). @internal */
export function requirePositiveInteger(component: string, name: string, value: unknown, allowInfinity = false): void {
  const ok =
    typeof value === 'number' && ((Number.isInteger(value) && value > 0) || (allowInfinity && value === Infinity));
  if (!ok) {
    throw new InvalidArgumentError(`${component}: \`${name}\` must be a positive integer, got ${String(value)}`);
  }
}
