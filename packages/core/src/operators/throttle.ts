import type { Cancel } from '../clock.js';
import type { CreditHold, NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { rateLimit } from '../transformers/rateLimit.js';

/** Options of {@link throttle}. */
export interface ThrottleOptions extends NodeOptions {
  /** `drop` (default): RxJS `throttleTime` semantics, extra items are dropped (counted in `skipped`). `backpressure`: nothing is dropped, items are spaced `ms` apart and the source slows down through credit. */
  readonly mode?: 'drop' | 'backpressure';
  /** Drop mode: emit the first item of a period (default true). */
  readonly leading?: boolean;
  /** Drop mode: emit the last item of a period when it ends (default false). */
  readonly trailing?: boolean;
}

/**
 * At most one item per `ms` (run's clock). In `drop` mode a period opens with an
 * item; `leading` emits that item at once, `trailing` emits the period's last
 * item when it closes (and opens a new period), like RxJS `throttleTime`.
 * Dropped items are counted as skipped, never lost silently. A pending trailing
 * item is emitted before any signal passes. In `backpressure` mode nothing is
 * dropped: items wait (holding credit, so the source slows) and leave `ms` apart.
 *
 * @example
 * ```ts
 * pipeline().from(mouseMoves).pipe(throttle(100, { leading: true, trailing: true })).to(render);
 * pipeline().from(fromArray(jobs)).pipe(throttle(50, { mode: 'backpressure' })).to(forEach(run)); // 20 jobs/s, none dropped
 * ```
 * @see {@link debounce}, {@link rateLimit}, {@link sample}
 */
export function throttle<T>(ms: number, options: ThrottleOptions = {}): Transformer<T, T> {
  if (!(ms > 0 && Number.isFinite(ms))) throw new InvalidArgumentError(`throttle: \`ms\` must be a positive number, got ${String(ms)}`);
  const mode = options.mode ?? 'drop';
  const leading = options.leading ?? true;
  const trailing = options.trailing ?? false;
  if (mode === 'backpressure') {
    // Spacing items by `ms` without dropping is a token bucket of one token per `ms`.
    const inner = rateLimit<T>({ ...options, perSecond: 1000 / ms, burst: 1 });
    return { ...inner, descriptor: { ...inner.descriptor, type: 'throttle', params: { ms, mode } } };
  }
  if (!leading && !trailing) throw new InvalidArgumentError('throttle: `leading` and `trailing` cannot both be false in drop mode');
  return defineTransformer<T, T>('throttle', { ms, mode, leading, trailing }, options, (out, ctx) => {
    let cancel: Cancel | undefined;
    let pending: { v: T; hold: CreditHold } | undefined;
    const emit = (v: T) => {
      ctx.stats.out++;
      out.next(v);
    };
    const emitPending = () => {
      const p = pending!;
      pending = undefined;
      p.hold.run(() => emit(p.v));
      p.hold.release();
    };
    const close = () => {
      cancel = undefined;
      if (pending) {
        emitPending();
        // A trailing emission opens the next period, so two items are never closer than `ms`.
        cancel = ctx.clock.schedule(close, ms);
      }
    };
    const drop = (p: { hold: CreditHold }) => {
      ctx.stats.skipped++;
      p.hold.release();
    };
    return {
      item(value) {
        if (!cancel) {
          cancel = ctx.clock.schedule(close, ms);
          if (leading) {
            emit(value);
            return;
          }
        }
        if (!trailing) {
          ctx.stats.skipped++;
          return;
        }
        if (pending) drop(pending);
        pending = { v: value, hold: ctx.hold() };
      },
      signal(s) {
        if (pending) emitPending();
        out.next(s);
      },
      complete() {
        if (pending) emitPending();
        cancel?.();
        out.complete();
      },
      teardown() {
        cancel?.();
        pending?.hold.release();
      },
    };
  });
}
