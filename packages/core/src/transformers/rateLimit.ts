import type { Cancel } from '../clock.js';
import type { CreditHold, NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import type { Element } from '../signals.js';
import { defineTransformer } from '../internal/define.js';

/** Options of {@link rateLimit}. */
export interface RateLimitOptions extends NodeOptions {
  /** Tokens added per second (the sustained rate). */
  readonly perSecond: number;
  /** Bucket size: items that may pass at once after an idle period (default 1). */
  readonly burst?: number;
}

/**
 * Token-bucket rate limit: items pass while tokens last and otherwise wait (each
 * waiting item holds a backpressure credit, so the source slows down; nothing is
 * dropped). Signals keep their place behind waiting items.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray(requests)).pipe(rateLimit({ perSecond: 100, burst: 10 })).to(forEach(send));
 * ```
 * @see {@link delay}
 */
export function rateLimit<T>(options: RateLimitOptions): Transformer<T, T> {
  const perSecond = options?.perSecond;
  const burst = options?.burst ?? 1;
  if (!(typeof perSecond === 'number' && perSecond > 0 && Number.isFinite(perSecond))) {
    throw new InvalidArgumentError(`rateLimit: \`perSecond\` must be a positive number, got ${String(perSecond)}`);
  }
  if (!(Number.isInteger(burst) && burst >= 1)) {
    throw new InvalidArgumentError(`rateLimit: \`burst\` must be a positive integer, got ${String(burst)}`);
  }
  const msPerToken = 1000 / perSecond;
  return defineTransformer<T, T>('rateLimit', { perSecond, burst }, options, (out, ctx) => {
    let tokens = burst;
    let refilledAt = ctx.clock.now();
    const queue: Array<{ el: Element<T>; hold: CreditHold | undefined }> = [];
    let cancelTimer: Cancel | undefined;
    let completed = false;
    const refill = () => {
      const now = ctx.clock.now();
      const gained = (now - refilledAt) / msPerToken;
      if (gained > 0) {
        tokens = Math.min(burst, tokens + gained);
        refilledAt = now;
      }
    };
    const pump = () => {
      cancelTimer = undefined;
      refill();
      while (queue.length > 0) {
        const head = queue[0]!;
        if (head.hold) {
          if (tokens < 1) break;
          tokens -= 1;
          queue.shift();
          ctx.stats.out++;
          head.hold.run(() => out.next(head.el));
          head.hold.release();
        } else {
          queue.shift();
          out.next(head.el);
        }
      }
      if (queue.length > 0) cancelTimer = ctx.clock.schedule(pump, Math.ceil((1 - tokens) * msPerToken));
      else if (completed) out.complete();
    };
    return {
      item(value) {
        if (queue.length === 0) {
          refill();
          if (tokens >= 1) {
            tokens -= 1;
            ctx.stats.out++;
            out.next(value);
            return;
          }
        }
        queue.push({ el: value, hold: ctx.hold() });
        if (!cancelTimer) cancelTimer = ctx.clock.schedule(pump, Math.ceil((1 - tokens) * msPerToken));
      },
      signal(s) {
        if (queue.length === 0) out.next(s);
        else queue.push({ el: s, hold: undefined });
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
