import type { Cancel } from '../clock.js';
import type { CreditHold, NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import { defineTransformer } from '../internal/define.js';

/** A window's contents with its bounds (milliseconds, start inclusive, end exclusive). */
export interface TimeWindow<T> {
  /** Window start, ms since the epoch (inclusive). */
  readonly start: number;
  /** Window end, ms since the epoch (exclusive). */
  readonly end: number;
  /** Items that arrived during the window, in arrival order. */
  readonly items: T[];
}

/**
 * Tumbling processing-time windows of `sizeMs`, aligned to the epoch like Flink's
 * (a window is [k·size, (k+1)·size)). A window is emitted when the clock reaches
 * its end; empty windows are not emitted. The open window is emitted when the
 * input ends. A window emitted by the clock is emitted under the credit pool of
 * the source its first item came from, so downstream stages that keep it take
 * that source's credit. For event-time windows use `@streamweave/windowing`.
 *
 * @example
 * ```ts
 * pipeline().from(clicks).pipe(processingTimeWindow(60_000)).pipe(map((w) => w.items.length));
 * ```
 * @see {@link countWindow}
 */
export function processingTimeWindow<T>(sizeMs: number, options?: NodeOptions): Transformer<T, TimeWindow<T>> {
  if (!(sizeMs > 0 && Number.isFinite(sizeMs))) {
    throw new InvalidArgumentError(`processingTimeWindow: \`sizeMs\` must be a positive number, got ${String(sizeMs)}`);
  }
  return defineTransformer<T, TimeWindow<T>>('processingTimeWindow', { sizeMs }, options, (out, ctx) => {
    let open: TimeWindow<T> | undefined;
    let cancelTimer: Cancel | undefined;
    // The source's credit pool (a hold given back at once): timer firings run under it.
    let pool: CreditHold | undefined;
    const onTimer = () => (pool ? pool.run(fire) : fire());
    const fire = () => {
      cancelTimer?.();
      cancelTimer = undefined;
      if (!open) return;
      const w = open;
      open = undefined;
      ctx.stats.out++;
      out.next(w);
    };
    return {
      item(value) {
        const now = ctx.clock.now();
        if (open && now >= open.end) fire();
        if (!open) {
          const start = now - (((now % sizeMs) + sizeMs) % sizeMs);
          open = { start, end: start + sizeMs, items: [] };
          pool = ctx.hold();
          pool.release();
          cancelTimer = ctx.clock.schedule(onTimer, open.end - now);
        }
        open.items.push(value);
      },
      complete() {
        fire();
        out.complete();
      },
      teardown() {
        cancelTimer?.();
      },
    };
  });
}
