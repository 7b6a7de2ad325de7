/**
 * The three building blocks (Producer, Transformer, Consumer) and the context
 * the runtime hands each node when a run starts.
 */
import type { Observable } from 'rxjs';
import type { Clock } from './clock.js';
import type { ComponentRef, ErrorAction, ErrorStrategy, StreamWeaveError } from './errors.js';
import type { CheckpointBarrier, Element } from './signals.js';

/** A JSON-compatible value: what node parameters and positions are made of. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Which building block a node is. */
export type NodeKind = 'producer' | 'transformer' | 'consumer';

/**
 * Plain-data self-description of a node: what it is and how it was configured.
 * Visualization, pipeline specs and scale-out read it.
 */
export interface NodeDescriptor {
  /** Building block. */
  readonly kind: NodeKind;
  /** Operator type, such as `map`, `fromArray`, `collect`. */
  readonly type: string;
  /** User-given name; also the node id when given. */
  readonly name?: string;
  /** Configuration as plain data (functions appear as `"<function>"`). */
  readonly params: { readonly [key: string]: JsonValue };
  /** Names of the input ports (transformers and consumers). */
  readonly inputs?: readonly string[];
  /** Names of the output ports (producers and transformers). */
  readonly outputs?: readonly string[];
}

/** Options every operator factory accepts. */
export interface NodeOptions {
  /** A name for the node; it becomes the node's stable id, so it must be unique in its pipeline. */
  readonly name?: string;
  /** Error strategy of this node, overriding the pipeline's. */
  readonly errors?: ErrorStrategy;
}

/** Mutable per-node counters. */
export interface NodeStats {
  /** Items received by the node. */
  in: number;
  /** Items emitted by the node (signals not counted). */
  out: number;
  /** Failures reported through the node's error strategy. */
  errors: number;
  /** Items dropped by the node's error strategy (skipped or sent to a dead letter). */
  skipped: number;
}

/**
 * A unit of backpressure credit taken by a stage that keeps an item past the synchronous push.
 * Call its methods on the hold (`promise.then(() => hold.release())`): the runtime's holds are
 * class instances, so a detached `hold.release` loses its `this`.
 */
export interface CreditHold {
  /** Returns the credit. Idempotent. */
  release(): void;
  /**
   * Runs `fn` with this hold's credit pool as the ambient one, so downstream holds count against the same source.
   * Stays usable after `release()`: a stage that emits later from a timer can take a hold, release it at once,
   * and keep it only to run its emissions under the source's pool.
   */
  run<R>(fn: () => R): R;
}

/** Instrumentation events. Listeners are optional; with none, nothing is measured. */
export interface RunHooks {
  /** A data item entered a node. */
  onItemIn?(nodeId: string, item: unknown): void;
  /** A data item left a node. */
  onItemOut?(nodeId: string, item: unknown): void;
  /** A node reported a failure (before the strategy applied). */
  onError?(nodeId: string, error: StreamWeaveError): void;
  /** A source waited for credit for `waitedMs`. */
  onBackpressure?(nodeId: string, waitedMs: number): void;
  /** A control signal passed a node's output. */
  onSignal?(nodeId: string, signal: Element<never>): void;
  /**
   * A data item reached sink `nodeId`, `latencyMs` after its source emitted the item it came from
   * (run clock; carried across asynchronous stages).
   */
  onLatency?(nodeId: string, latencyMs: number): void;
}

/**
 * What the runtime gives a node when a run starts.
 */
export interface NodeContext {
  /** Stable node id. */
  readonly id: string;
  /** The node's descriptor. */
  readonly descriptor: NodeDescriptor;
  /** The node as a component reference, for errors. */
  readonly component: ComponentRef;
  /** Clock for time-based work (virtual in tests). */
  readonly clock: Clock;
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal;
  /** Counters reported in the run result. */
  readonly stats: NodeStats;
  /**
   * Reports a failure on `item` (the `position`-th item of this node) and returns
   * what to do, according to the node's error strategy. `stop` means the caller
   * must fail its stream with the returned error; `deadLetter` has already been
   * routed; `skip` has been counted.
   */
  fail(cause: unknown, item: unknown, position: number, attempt: number): ResolvedErrorAction;
  /** Takes one unit of backpressure credit from the current source. */
  hold(): CreditHold;
  /** Hooks, when any listener was registered. */
  readonly hooks: RunHooks | undefined;
  /** Services given to the run with `RunOptions.extensions` (state backends, coordinators…). */
  readonly extensions: Readonly<Record<string, unknown>>;
  /**
   * Consumers that declare `acknowledgesBarriers` call this once they have handled a
   * checkpoint barrier (after every item before it); the run reports it to
   * `RunOptions.checkpoints.onSinkBarrier`. Undefined when nobody listens.
   */
  readonly acknowledgeBarrier?: (barrier: CheckpointBarrier) => void;
}

/** The outcome of {@link NodeContext.fail}. */
export type ResolvedErrorAction =
  | { readonly action: 'stop'; readonly error: StreamWeaveError }
  | { readonly action: 'skip' | 'deadLetter'; readonly error: StreamWeaveError }
  | { readonly action: 'retry'; readonly delayMs: number; readonly error: StreamWeaveError };

/** Re-export for implementers of custom strategies. */
export type { ErrorAction };

/** What a source can do with the context, beyond a node's. */
export type ProducerContext = NodeContext;

/**
 * A running source. The runtime calls `pull` whenever there is credit: the
 * reader emits at most `demand` items through `emit` (synchronously or after an
 * await) and returns `false` once it is exhausted, `true` otherwise.
 */
export interface SourceReader<T> {
  /** Emits up to `demand` items; resolves/returns whether more may follow. */
  pull(emit: (item: Element<T>) => void, demand: number): boolean | Promise<boolean>;
  /** Releases resources; called once after the last pull, on any ending. */
  close?(): void | Promise<void>;
  /** Replayable sources: current position as plain data (recorded at checkpoint barriers). */
  position?(): JsonValue;
  /** Replayable sources: continue from a recorded position. */
  seek?(position: JsonValue): void | Promise<void>;
}

/**
 * Starts a stream. Pull-driven: the runtime asks for items only while there is credit.
 *
 * @example
 * ```ts
 * const ones: Producer<number> = {
 *   descriptor: { kind: 'producer', type: 'ones', params: {}, outputs: ['out'] },
 *   open: () => ({ pull(emit, demand) { for (let i = 0; i < demand; i++) emit(1); return true; } }),
 * };
 * ```
 * @see {@link fromArray}, {@link fromAsyncIterable}, {@link interval}
 */
export interface Producer<T> {
  /** Self-description. */
  readonly descriptor: NodeDescriptor;
  /** This node's error strategy, when it overrides the pipeline's. */
  readonly errors?: ErrorStrategy;
  /** Opens a reader for one run. */
  open(ctx: ProducerContext): SourceReader<T>;
  /** Phantom marker for the item type; never set. @internal */
  readonly __out?: () => T;
}

/**
 * Transforms a stream: an RxJS-backed operator over elements (data and signals).
 * Implementations forward signals they do not consume, in order.
 *
 * @example
 * ```ts
 * const double = map((x: number) => x * 2);
 * ```
 * @see {@link map}, {@link lift}
 */
export interface Transformer<I, O> {
  /** Self-description. */
  readonly descriptor: NodeDescriptor;
  /** This node's error strategy, when it overrides the pipeline's. */
  readonly errors?: ErrorStrategy;
  /** Builds the output stream from the input stream. */
  apply(input: Observable<Element<I>>, ctx: NodeContext): Observable<Element<O>>;
  /** True when the operator maintains `ctx.stats` itself; otherwise the runtime counts around it. @internal */
  readonly countsItself?: boolean;
  /** Phantom markers for variance; never set. @internal */
  readonly __in?: (value: I) => void;
  /** Phantom marker for the output type's variance; never set. @internal */
  readonly __out?: () => O;
}

/**
 * Drains a stream and resolves to a result R.
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(fromArray([1, 2])).to(collect()).run();
 * ```
 * @see {@link collect}, {@link forEach}, {@link reduceTo}
 */
export interface Consumer<T, R> {
  /** Self-description. */
  readonly descriptor: NodeDescriptor;
  /** This node's error strategy, when it overrides the pipeline's. */
  readonly errors?: ErrorStrategy;
  /** Subscribes to `input` and resolves with the result once it completes. */
  consume(input: Observable<Element<T>>, ctx: NodeContext): Promise<R>;
  /**
   * True when the consumer calls `ctx.acknowledgeBarrier` itself once a barrier is handled in
   * order; otherwise the run reports a barrier to the checkpoint listener when it arrives.
   */
  readonly acknowledgesBarriers?: boolean;
  /** Phantom marker for the input type's variance; never set. @internal */
  readonly __in?: (value: T) => void;
}
