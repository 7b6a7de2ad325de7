/** Helpers that give every built-in node the same descriptor, error and stats handling. */
import { Observable, Subscriber } from 'rxjs';
import type { Consumer, CreditHold, NodeContext, NodeOptions, NodeStats, Transformer } from '../contracts.js';
import { PipelineAbortedError } from '../errors.js';
import { type Element, type Signal, isSignal } from '../signals.js';
import { describeNode } from './describe.js';
import { abortReason, whenAborted } from './lazyAbort.js';

/** Handler of one subscription of a transformer built with {@link defineTransformer}. */
export interface OperatorHandlers<I> {
  /** A data item arrived; `position` is its zero-based index at this node. */
  item(value: I, position: number): void;
  /** A control signal arrived; default: forward it. */
  signal?(signal: Signal): void;
  /** The input completed; default: complete the output. */
  complete?(): void;
  /** Cleanup on any ending. */
  teardown?(): void;
}

/**
 * The per-stage subscriber. Subscribing with a Subscriber instance (rather than a
 * plain observer) saves RxJS a wrapper layer per stage, which is most of the
 * per-item cost of a synchronous chain.
 */
class StageSubscriber<I> extends Subscriber<Element<I>> {
  constructor(
    private readonly out: Subscriber<unknown>,
    private readonly h: OperatorHandlers<I>,
    private readonly stats: NodeStats,
  ) {
    super();
  }

  protected override _next(el: Element<I>): void {
    try {
      if (isSignal(el)) {
        if (this.h.signal) this.h.signal(el);
        else this.out.next(el);
      } else {
        this.h.item(el, this.stats.in++);
      }
    } catch (e) {
      // Operators route user-code failures themselves; anything reaching here is a defect.
      this.out.error(e);
    }
  }

  protected override _error(e: unknown): void {
    this.out.error(e);
    this.unsubscribe();
  }

  protected override _complete(): void {
    try {
      if (this.h.complete) this.h.complete();
      else this.out.complete();
    } catch (e) {
      this.out.error(e);
    }
    this.unsubscribe();
  }
}

/** Builds a single-input transformer that counts its own stats. */
export function defineTransformer<I, O>(
  type: string,
  params: Record<string, unknown>,
  options: NodeOptions | undefined,
  setup: (out: Subscriber<Element<O>>, ctx: NodeContext) => OperatorHandlers<I>,
): Transformer<I, O> {
  return {
    descriptor: describeNode('transformer', type, params, options),
    ...(options?.errors ? { errors: options.errors } : {}),
    countsItself: true,
    apply(input, ctx) {
      return new Observable<Element<O>>((out) => {
        const h = setup(out, ctx);
        const stage = new StageSubscriber<I>(out as Subscriber<unknown>, h, ctx.stats);
        input.subscribe(stage);
        return () => {
          stage.unsubscribe();
          h.teardown?.();
        };
      });
    },
  };
}

/** Handlers of a consumer built with {@link defineConsumer}. */
export interface ConsumerHandlers<R> {
  /** A data item arrived. May return a promise: the consumer then holds credit until it settles. */
  item(value: unknown, position: number): void | Promise<void>;
  /**
   * A control signal arrived, after every item before it was handled (default: ignored).
   * Returning a promise (a flush at a checkpoint barrier) holds later elements until it
   * settles; a barrier is acknowledged to the checkpoint listener only then.
   */
  signal?(signal: Signal): void | Promise<void>;
  /** The input completed and every pending item settled. */
  complete(): R | Promise<R>;
  /** Cleanup on any ending. */
  teardown?(): void;
}

/** A queued item, or a queued signal (position -1) that must wait for the items before it. */
interface Pending {
  readonly value: unknown;
  readonly position: number;
  readonly hold: CreditHold;
}
const signalPosition = -1;
const noHold: CreditHold = { release() {}, run: (fn) => fn() };

/**
 * Drives one consumer subscription. Asynchronous item handlers run one at a time,
 * in order; each item waiting or in progress holds one credit, which is what
 * slows the source down when the consumer is slow. Synchronous handlers take no
 * credit and allocate nothing per item.
 */
class SinkSubscriber<R> extends Subscriber<Element<unknown>> {
  private readonly queue: Pending[] = [];
  private busy = false;
  private inputDone = false;
  private finished = false;
  private readonly onAbort = () => this.finish(new PipelineAbortedError(abortReason(this.ctx)));
  private offAbort: () => void;

  constructor(
    private readonly ctx: NodeContext,
    private readonly h: ConsumerHandlers<R>,
    private readonly resolve: (r: R) => void,
    private readonly reject: (e: unknown) => void,
  ) {
    super();
    this.offAbort = whenAborted(ctx, this.onAbort);
  }

  protected override _next(el: Element<unknown>): void {
    if (isSignal(el)) {
      // A signal never overtakes items still waiting for an asynchronous handler.
      if (this.busy || this.queue.length > 0) this.queue.push({ value: el, position: signalPosition, hold: noHold });
      else this.handleSignal(el);
      return;
    }
    const position = this.ctx.stats.in++;
    if (this.busy || this.queue.length > 0) {
      this.queue.push({ value: el, position, hold: this.ctx.hold() });
      return;
    }
    let r: void | Promise<void>;
    try {
      r = this.h.item(el, position);
    } catch (e) {
      this.failed(e, el, position, 1, this.ctx.hold());
      return;
    }
    if (r !== undefined) this.awaitItem(r, el, position, 1, this.ctx.hold());
  }

  protected override _error(e: unknown): void {
    this.finish(e);
  }

  private handleSignal(s: Signal): void {
    let r: void | Promise<void>;
    try {
      r = this.h.signal?.(s);
    } catch (e) {
      this.finish(e);
      return;
    }
    if (r instanceof Promise) {
      // An asynchronous signal handler (a flush at a barrier) holds everything after it.
      this.busy = true;
      r.then(
        () => {
          if (s.kind === 'barrier') this.ctx.acknowledgeBarrier?.(s);
          this.busy = false;
          this.drain();
        },
        (e: unknown) => this.finish(e ?? new Error('signal handler failed')),
      );
      return;
    }
    if (s.kind === 'barrier') this.ctx.acknowledgeBarrier?.(s);
  }

  protected override _complete(): void {
    this.inputDone = true;
    if (!this.busy && this.queue.length === 0) this.completeSink();
  }

  private awaitItem(r: Promise<void>, value: unknown, position: number, attempt: number, hold: CreditHold): void {
    this.busy = true;
    r.then(
      () => {
        hold.release();
        this.busy = false;
        this.drain();
      },
      (e: unknown) => this.failed(e, value, position, attempt, hold),
    );
  }

  private runQueued(value: unknown, position: number, attempt: number, hold: CreditHold): void {
    if (position === signalPosition) {
      this.handleSignal(value as Signal);
      return;
    }
    let r: void | Promise<void>;
    try {
      r = this.h.item(value, position);
    } catch (e) {
      this.failed(e, value, position, attempt, hold);
      return;
    }
    if (r !== undefined) this.awaitItem(r, value, position, attempt, hold);
    else hold.release();
  }

  private failed(e: unknown, value: unknown, position: number, attempt: number, hold: CreditHold): void {
    if (this.finished) return;
    const d = this.ctx.fail(e, value, position, attempt);
    if (d.action === 'stop') {
      hold.release();
      this.finish(d.error);
      return;
    }
    if (d.action === 'retry') {
      this.busy = true;
      this.ctx.clock.schedule(() => {
        if (this.finished) return;
        this.busy = false;
        this.runQueued(value, position, attempt + 1, hold);
        if (!this.busy) this.drain();
      }, d.delayMs);
      return;
    }
    hold.release();
    this.busy = false;
    this.drain();
  }

  private drain(): void {
    while (!this.busy && this.queue.length > 0 && !this.finished) {
      const next = this.queue.shift()!;
      this.runQueued(next.value, next.position, 1, next.hold);
    }
    if (!this.busy && this.queue.length === 0 && this.inputDone && !this.finished) this.completeSink();
  }

  private completeSink(): void {
    let r: R | Promise<R>;
    try {
      r = this.h.complete();
    } catch (e) {
      this.finish(e ?? new Error('consumer failed'));
      return;
    }
    if (r instanceof Promise) {
      r.then(
        (v) => this.finish(undefined, v),
        (e: unknown) => this.finish(e ?? new Error('consumer failed')),
      );
    } else this.finish(undefined, r);
  }

  private finish(error: unknown, result?: R): void {
    if (this.finished) return;
    this.finished = true;
    this.offAbort();
    this.unsubscribe();
    for (const q of this.queue) q.hold.release();
    this.queue.length = 0;
    this.h.teardown?.();
    if (error !== undefined) this.reject(error);
    else this.resolve(result as R);
  }
}

/**
 * Builds a consumer from handlers; see {@link ConsumerHandlers}.
 */
export function defineConsumer<T, R>(
  type: string,
  params: Record<string, unknown>,
  options: NodeOptions | undefined,
  setup: (ctx: NodeContext) => ConsumerHandlers<R>,
): Consumer<T, R> {
  return {
    descriptor: describeNode('consumer', type, params, options),
    ...(options?.errors ? { errors: options.errors } : {}),
    acknowledgesBarriers: true,
    consume(input, ctx) {
      return new Promise<R>((resolve, reject) => {
        const sink = new SinkSubscriber<R>(ctx, setup(ctx), resolve, reject);
        if (!sink.closed) input.subscribe(sink);
      });
    },
  };
}
