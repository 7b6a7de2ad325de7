import type { Cancel } from '../clock.js';
import type { CreditHold, NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import { defineTransformer } from '../internal/define.js';

/**
 * Emits an item only after `ms` without a newer one (run's clock), like RxJS
 * `debounceTime`: bursts collapse to their last item. Replaced items are counted
 * as skipped. The pending item holds one credit; it is emitted at the end of
 * input and before any signal passes (a watermark or barrier ends the quiet
 * period early rather than letting the item cross it).
 *
 * @example
 * ```ts
 * pipeline().from(keystrokes).pipe(debounce(300)).pipe(mapAsync(search)).to(render);
 * ```
 * @see {@link throttle}
 */
export function debounce<T>(ms: number, options?: NodeOptions): Transformer<T, T> {
  if (!(ms > 0 && Number.isFinite(ms))) throw new InvalidArgumentError(`debounce: \`ms\` must be a positive number, got ${String(ms)}`);
  return defineTransformer<T, T>('debounce', { ms }, options, (out, ctx) => {
    let cancel: Cancel | undefined;
    let pending: { v: T; hold: CreditHold } | undefined;
    const fire = () => {
      cancel?.();
      cancel = undefined;
      if (!pending) return;
      const p = pending;
      pending = undefined;
      p.hold.run(() => {
        ctx.stats.out++;
        out.next(p.v);
      });
      p.hold.release();
    };
    return {
      item(value) {
        if (pending) {
          ctx.stats.skipped++;
          pending.hold.release();
        }
        pending = { v: value, hold: ctx.hold() };
        cancel?.();
        cancel = ctx.clock.schedule(fire, ms);
      },
      signal(s) {
        fire();
        out.next(s);
      },
      complete() {
        fire();
        out.complete();
      },
      teardown() {
        cancel?.();
        pending?.hold.release();
      },
    };
  });
}
