import type { Cancel } from '../clock.js';
import type { NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import { defineTransformer } from '../internal/define.js';

/** Options of {@link batch}. */
export interface BatchOptions extends NodeOptions {
  /** Emit when the batch holds this many items. */
  readonly size?: number;
  /** Emit a non-empty batch this long after its first item arrived (run's clock). */
  readonly timeMs?: number;
}

/**
 * Groups data items into arrays by size and/or time. A pending batch is flushed
 * before any signal passes (so items never move across a watermark or a
 * barrier) and when the input ends. Items in a batch do not hold credit: a batch
 * is bounded by its size.
 *
 * @example
 * ```ts
 * pipeline().from(range(1, 5)).pipe(batch({ size: 2 })).to(collect()); // [[1, 2], [3, 4], [5]]
 * ```
 * @see {@link countWindow}
 */
export function batch<T>(options: BatchOptions): Transformer<T, T[]> {
  const size = options?.size ?? Infinity;
  const timeMs = options?.timeMs;
  if (!(size === Infinity || (Number.isInteger(size) && size > 0))) {
    throw new InvalidArgumentError(`batch: \`size\` must be a positive integer, got ${String(options?.size)}`);
  }
  if (timeMs !== undefined && !(timeMs > 0 && Number.isFinite(timeMs))) {
    throw new InvalidArgumentError(`batch: \`timeMs\` must be a positive number, got ${String(timeMs)}`);
  }
  if (size === Infinity && timeMs === undefined) {
    throw new InvalidArgumentError('batch: give `size`, `timeMs` or both');
  }
  return defineTransformer<T, T[]>('batch', { size, timeMs }, options, (out, ctx) => {
    let current: T[] = [];
    let cancelTimer: Cancel | undefined;
    const flush = () => {
      cancelTimer?.();
      cancelTimer = undefined;
      if (current.length === 0) return;
      const b = current;
      current = [];
      ctx.stats.out++;
      out.next(b);
    };
    return {
      item(value) {
        current.push(value);
        if (current.length >= size) flush();
        else if (current.length === 1 && timeMs !== undefined) cancelTimer = ctx.clock.schedule(flush, timeMs);
      },
      signal(s) {
        flush();
        out.next(s);
      },
      complete() {
        flush();
        out.complete();
      },
      teardown() {
        cancelTimer?.();
      },
    };
  });
}
