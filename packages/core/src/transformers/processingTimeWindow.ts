import type { Cancel } from '../clock.js';
import type { NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import { defineTransformer } from '../internal/define.js';

/** A window's contents with its bounds (milliseconds, start inclusive, end exclusive). */
export interface TimeWindow<T> {
  readonly start: number;
  readonly end: number;
  readonly items: T[];
}

/**
 * Tumbling processing-time windows of `sizeMs`, aligned to the epoch like Flink's
 * (a window is [k·size, (k+1)·size)). A window is emitted when the clock reaches
 * its end; empty windows are not emitted. The open window is emitted when the
 * input ends. For event-time windows use `@streamweave/windowing`.
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
          cancelTimer = ctx.clock.schedule(fire, open.end - now);
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
