/** Helpers that give every built-in node the same descriptor, error and stats handling. */
import { Observable, type Subscriber } from 'rxjs';
import type { Consumer, NodeContext, NodeOptions, Transformer } from '../contracts.js';
import { PipelineAbortedError, StreamWeaveError } from '../errors.js';
import { type Element, type Signal, isSignal } from '../signals.js';
import { describeNode } from './describe.js';

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
        const stats = ctx.stats;
        const item = h.item;
        const onSignal = h.signal;
        const onComplete = h.complete;
        const subscription = input.subscribe({
          next(el) {
            if (isSignal(el)) {
              if (onSignal) onSignal(el);
              else out.next(el);
              return;
            }
            item(el, stats.in++);
          },
          error: (e: unknown) => out.error(e),
          complete() {
            if (onComplete) onComplete();
            else out.complete();
          },
        });
        return () => {
          subscription.unsubscribe();
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
  /** A control signal arrived (default: ignored). */
  signal?(signal: Signal): void;
  /** The input completed and every pending item settled. */
  complete(): R | Promise<R>;
  /** Cleanup on any ending. */
  teardown?(): void;
}

/**
 * Builds a consumer. Asynchronous item handlers run one at a time, in order;
 * each holds one credit while it is pending or queued, which is what slows the
 * source down when the consumer is slow.
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
    consume(input, ctx) {
      return new Promise<R>((resolve, reject) => {
        const h = setup(ctx);
        const stats = ctx.stats;
        const queue: Array<{ value: unknown; position: number; release: () => void }> = [];
        let busy = false;
        let completed = false;
        let finished = false;

        const finish = (error: unknown, result?: R) => {
          if (finished) return;
          finished = true;
          ctx.signal.removeEventListener('abort', onAbort);
          subscription?.unsubscribe();
          for (const q of queue) q.release();
          queue.length = 0;
          h.teardown?.();
          if (error !== undefined) reject(error);
          else resolve(result as R);
        };
        const complete = () => {
          try {
            const r = h.complete();
            if (r instanceof Promise) r.then((v) => finish(undefined, v), (e: unknown) => finish(e ?? new Error('consumer failed')));
            else finish(undefined, r);
          } catch (e) {
            finish(e ?? new Error('consumer failed'));
          }
        };
        const runItem = (value: unknown, position: number, attempt: number, release: () => void): void => {
          let r: void | Promise<void>;
          try {
            r = h.item(value, position);
          } catch (e) {
            handleFailure(e, value, position, attempt, release);
            return;
          }
          if (r instanceof Promise) {
            busy = true;
            r.then(
              () => {
                release();
                busy = false;
                drainQueue();
              },
              (e: unknown) => handleFailure(e, value, position, attempt, release),
            );
          } else {
            release();
          }
        };
        const handleFailure = (e: unknown, value: unknown, position: number, attempt: number, release: () => void) => {
          const decision = ctx.fail(e, value, position, attempt);
          if (decision.action === 'stop') {
            release();
            finish(decision.error);
            return;
          }
          if (decision.action === 'retry') {
            busy = true;
            ctx.clock.schedule(() => {
              if (finished) return;
              busy = false;
              runItem(value, position, attempt + 1, release);
              if (!busy) drainQueue();
            }, decision.delayMs);
            return;
          }
          release();
          busy = false;
          drainQueue();
        };
        const drainQueue = () => {
          while (!busy && queue.length > 0 && !finished) {
            const next = queue.shift()!;
            runItem(next.value, next.position, 1, next.release);
          }
          if (!busy && queue.length === 0 && completed && !finished) complete();
        };
        const onAbort = () => {
          const err = new PipelineAbortedError(ctx.signal.reason);
          finish(err);
        };
        if (ctx.signal.aborted) {
          onAbort();
          return;
        }
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        // Assigned separately: finish() may run synchronously inside subscribe(), before the
        // assignment, and must then see `undefined` rather than hit a temporal dead zone.
        // eslint-disable-next-line prefer-const
        let subscription: { unsubscribe(): void } | undefined;
        subscription = input.subscribe({
          next(el: Element<T>) {
            if (isSignal(el)) {
              h.signal?.(el);
              return;
            }
            const position = stats.in++;
            if (busy || queue.length > 0) {
              const hold = ctx.hold();
              queue.push({ value: el, position, release: () => hold.release() });
              return;
            }
            runItemFromPush(el, position);
          },
          error: (e: unknown) => finish(e instanceof StreamWeaveError || e !== undefined ? e : new Error('stream failed')),
          complete() {
            completed = true;
            if (!busy && queue.length === 0) complete();
          },
        });
        if (finished) subscription.unsubscribe();

        function runItemFromPush(value: unknown, position: number): void {
          // Take credit lazily: only when the handler turns out to be asynchronous.
          let hold: { release(): void } | undefined;
          const release = () => hold?.release();
          let r: void | Promise<void>;
          try {
            r = h.item(value, position);
          } catch (e) {
            hold = ctx.hold();
            handleFailure(e, value, position, 1, release);
            return;
          }
          if (r instanceof Promise) {
            hold = ctx.hold();
            busy = true;
            r.then(
              () => {
                release();
                busy = false;
                drainQueue();
              },
              (e: unknown) => handleFailure(e, value, position, 1, release),
            );
          }
        }
      });
    },
  };
}
