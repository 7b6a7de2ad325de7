/** Options, results and handles of a run. */
import type { Clock } from '../clock.js';
import type { Consumer, JsonValue, RunHooks } from '../contracts.js';
import type { CheckpointBarrier } from '../signals.js';
import type { DeadLetter, ErrorStrategy, NodeStatsSnapshot } from '../errors.js';

/**
 * Options of a run.
 *
 * @example
 * ```ts
 * await p.run({ signal: AbortSignal.timeout(5000), errors: onError.skip(), creditWindow: 256 });
 * ```
 */
export interface RunOptions {
  /** Aborting it cancels the run: sources stop, everything is unsubscribed, the run rejects with {@link PipelineAbortedError}. */
  readonly signal?: AbortSignal;
  /** Clock for time-based operators (default: the system clock; a virtual clock in tests). */
  readonly clock?: Clock;
  /** Default error strategy of every node (default: stop). */
  readonly errors?: ErrorStrategy;
  /**
   * Consumer that receives items routed to the dead-letter route, with their errors. It also
   * receives each checkpoint barrier once every running sink has handled it, and the barrier is
   * reported at the sinks (`checkpoints.onSinkBarrier`) only after the route handled it. It runs
   * under its own `errors` strategy or stop; its failure fails the run.
   */
  readonly deadLetter?: Consumer<DeadLetter, unknown>;
  /** Instrumentation listeners. */
  readonly hooks?: RunHooks;
  /** Items each source may have in flight in asynchronous stages (default 1024). */
  readonly creditWindow?: number;
  /** Uniform random numbers in [0, 1), for retry jitter (seedable in tests). */
  readonly random?: () => number;
  /** Listener of checkpoint barriers at sources and sinks (the state package's coordinator uses it). */
  readonly checkpoints?: CheckpointListener;
  /** Source positions to restore before the first pull, keyed by source node id (replayable sources only). */
  readonly restore?: { readonly positions: Readonly<Record<string, JsonValue>> };
  /** Services handed to every node as `ctx.extensions` (state backends, coordinators…), keyed by a package-scoped name. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/**
 * Observes checkpoint barriers. A barrier injected with {@link RunHandle.injectBarrier}
 * is reported once per source (with the source's position at that point) and once
 * per sink it reaches.
 *
 * @example
 * ```ts
 * const positions = new Map();
 * p.start({ checkpoints: { onSourceBarrier: (id, b, pos) => positions.set(id, pos) } });
 * ```
 */
export interface CheckpointListener {
  /** A source emitted `barrier`; `position` is its reader's position (undefined when not replayable). */
  onSourceBarrier?(sourceId: string, barrier: CheckpointBarrier, position: JsonValue | undefined): void;
  /** `barrier` reached sink `sinkId` (after every item before it was handed to the sink). */
  onSinkBarrier?(sinkId: string, barrier: CheckpointBarrier): void;
  /**
   * Source `sourceId` ended (exhausted or drained) and is about to emit EndOfStream;
   * `position` is its reader's final position (undefined when not replayable).
   * Lets a coordinator take a final checkpoint at end of input.
   */
  onSourceEnd?(sourceId: string, position: JsonValue | undefined): void;
  /**
   * Sink `sinkId` finished (its input ended, or it stopped early): no further barrier
   * will reach it, so a coordinator must not wait for it.
   */
  onSinkEnd?(sinkId: string): void;
}

/** How a run ended. */
export type RunStatus = 'completed' | 'drained';

/**
 * What a finished run resolves to.
 *
 * @example
 * ```ts
 * const { result, stats, status } = await p.run();
 * ```
 */
export interface RunResult<R> {
  /** The consumer's result (for graphs: an object keyed by sink name). */
  readonly result: R;
  /** Per-node counters keyed by node id. */
  readonly stats: Readonly<Record<string, NodeStatsSnapshot>>;
  /** `completed` when sources were exhausted, `drained` after {@link RunHandle.drain}. */
  readonly status: RunStatus;
  /** The dead-letter consumer's result, when one was given. */
  readonly deadLetter?: unknown;
}

/**
 * A started run.
 *
 * @example
 * ```ts
 * const handle = p.start();
 * setTimeout(() => handle.drain(), 1000);
 * const { status } = await handle.result; // 'drained'
 * ```
 */
export interface RunHandle<R> {
  /** Settles when the run ends. */
  readonly result: Promise<RunResult<R>>;
  /** Stops the sources and lets in-flight items finish; the run then resolves with status `drained`. */
  drain(): void;
  /** Cancels at once; the run rejects with {@link PipelineAbortedError}. */
  cancel(reason?: unknown): void;
  /** Current per-node counters. */
  stats(): Readonly<Record<string, NodeStatsSnapshot>>;
  /**
   * Emits `barrier` at every running source, now, in order with the data: each
   * source reports its position to {@link RunOptions.checkpoints} and forwards it.
   * Returns the ids of the sources that took it (finished sources do not).
   */
  injectBarrier(barrier: CheckpointBarrier): string[];
}
