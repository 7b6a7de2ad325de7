/**
 * An abort flag whose `AbortSignal` is made only when someone asks for it.
 * A run has two (cancel, stop sources); making two AbortControllers and
 * dispatching their abort events was a third of a short run's start-up cost,
 * and most runs never hand the signal to user code. Internal listeners use
 * {@link LazyAbort.onAbort}, which costs an array push.
 */

/** Key under which a node context made by the runtime exposes its {@link LazyAbort}. @internal */
export const lazyKey: unique symbol = Symbol('streamweave.lazyAbort');

/** Registers `fn` to run once on abort (at once if already aborted); returns its removal. @internal */
export type OnAbort = (fn: () => void) => () => void;

/** @internal */
export class LazyAbort {
  private controller: AbortController | undefined;
  private listeners: Array<(() => void) | undefined> | undefined;
  aborted = false;
  reason: unknown;

  /** The standard signal, created on first use (already aborted when the flag is). */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Aborts once: sets the flag, aborts the signal if one was made, runs the listeners. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const fn of listeners) fn?.();
  }

  readonly onAbort: OnAbort = (fn) => {
    if (this.aborted) {
      fn();
      return noop;
    }
    const list = (this.listeners ??= []);
    const i = list.push(fn) - 1;
    return () => {
      if (this.listeners === list) list[i] = undefined;
    };
  };
}

const noop = (): void => undefined;

/**
 * Runs `fn` once when the node's `ctx.signal` aborts (the run is cancelled; for a
 * source, also when the run stops it), at once if it already has. Returns a
 * function that removes the listener. Same meaning as listening to `ctx.signal`,
 * but in a run it makes no AbortSignal: prefer it in code that runs per run or
 * per request.
 *
 * @example
 * ```ts
 * defineProducer('ticks', {}, undefined, (ctx) => {
 *   const off = whenAborted(ctx, () => clearInterval(timer));
 *   // …
 * });
 * ```
 */
export function whenAborted(ctx: { readonly signal: AbortSignal }, fn: () => void): () => void {
  const lazy = (ctx as { [lazyKey]?: LazyAbort })[lazyKey];
  if (lazy) return lazy.onAbort(fn);
  const signal = ctx.signal;
  if (signal.aborted) {
    fn();
    return noop;
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}

/** The abort reason of a context's signal, read without making an AbortSignal when the context allows. @internal */
export function abortReason(ctx: { readonly signal: AbortSignal }): unknown {
  const lazy = (ctx as { [lazyKey]?: LazyAbort })[lazyKey];
  return lazy ? lazy.reason : ctx.signal.reason;
}
