import type { Cancel } from '../clock.js';
import type { CreditHold, NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import type { Element } from '../signals.js';
import { defineTransformer } from '../internal/define.js';

/**
 * Delays every element (items and signals alike, so their order is kept) by
 * `delayMs` on the run's clock. Each delayed item holds a backpressure credit.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray(['a', 'b'])).pipe(delay(1000)).to(collect()); // both arrive 1 s later
 * ```
 * @see {@link rateLimit}
 */
export function delay<T>(delayMs: number, options?: NodeOptions): Transformer<T, T> {
  if (!(delayMs >= 0 && Number.isFinite(delayMs))) {
    throw new InvalidArgumentError(`delay: \`delayMs\` must be a non-negative number, got ${String(delayMs)}`);
  }
  return defineTransformer<T, T>('delay', { delayMs }, options, (out, ctx) => {
    const queue: Array<{ due: number; el: Element<T>; hold: CreditHold | undefined }> = [];
    let cancelTimer: Cancel | undefined;
    let completed = false;
    const arm = () => {
      if (cancelTimer || queue.length === 0) return;
      cancelTimer = ctx.clock.schedule(release, queue[0]!.due - ctx.clock.now());
    };
    const release = () => {
      cancelTimer = undefined;
      const now = ctx.clock.now();
      while (queue.length > 0 && queue[0]!.due <= now) {
        const { el, hold } = queue.shift()!;
        if (hold) {
          ctx.stats.out++;
          hold.run(() => out.next(el));
          hold.release();
        } else out.next(el);
      }
      if (queue.length === 0 && completed) out.complete();
      else arm();
    };
    return {
      item(value) {
        queue.push({ due: ctx.clock.now() + delayMs, el: value, hold: ctx.hold() });
        arm();
      },
      signal(s) {
        queue.push({ due: ctx.clock.now() + delayMs, el: s, hold: undefined });
        arm();
      },
      complete() {
        completed = true;
        if (queue.length === 0) out.complete();
      },
      teardown() {
        cancelTimer?.();
        for (const q of queue) q.hold?.release();
      },
    };
  });
}
