import { requireTrigger } from '../internal/validate.js';
import type { TimeWindow } from '../windows.js';
import { type OnMergeContext, type Trigger, type TriggerContext, TriggerResult } from './trigger.js';

/** Options of {@link afterWatermark}. */
export interface AfterWatermarkOptions<T> {
  /** Fires early (before the watermark passes the window end) whenever this trigger fires. */
  readonly early?: Trigger<T>;
  /** After the end, fires a late item only when this trigger fires (default: every late item). */
  readonly late?: Trigger<T>;
}

/**
 * Event-time trigger with early and late firings (Beam's
 * `AfterWatermark.pastEndOfWindow().withEarlyFirings(…).withLateFirings(…)`):
 * fires on time when the watermark passes the window end, early whenever the
 * `early` trigger fires before that, and for late items within the allowed
 * lateness whenever the `late` trigger fires — so a burst of late items can
 * re-fire a window once per n items, or once per interval, instead of once per
 * item as Flink's EventTimeTrigger does. Sub-trigger purges are ignored: the
 * operator's `accumulation` option decides what a firing keeps.
 *
 * @example
 * ```ts
 * windowAggregate({
 *   assigner: tumblingWindows(60_000), timestamp: (e) => e.ts, allowedLateness: 600_000, aggregate: count(),
 *   trigger: afterWatermark({ early: continuousProcessingTimeTrigger(5_000), late: countTrigger(100) }),
 * });
 * ```
 * @see {@link eventTimeTrigger}, {@link continuousProcessingTimeTrigger}, {@link countTrigger}
 */
export function afterWatermark<T>(options: AfterWatermarkOptions<T> = {}): Trigger<T> {
  const { early, late } = options;
  if (early !== undefined) requireTrigger('afterWatermark', early);
  if (late !== undefined) requireTrigger('afterWatermark', late);
  const earlyCtx = scoped('early');
  const lateCtx = scoped('late');
  const fires = (r: TriggerResult) => r === TriggerResult.FIRE || r === TriggerResult.FIRE_AND_PURGE;
  const isLate = (w: TimeWindow, ctx: TriggerContext) => w.end <= ctx.currentWatermark;
  return {
    onElement(item, timestamp, window, ctx) {
      if (isLate(window, ctx)) {
        if (!late) return TriggerResult.FIRE;
        return fires(late.onElement(item, timestamp, window, lateCtx.on(ctx))) ? TriggerResult.FIRE : TriggerResult.CONTINUE;
      }
      ctx.registerEventTimeTimer(window.end);
      if (!early) return TriggerResult.CONTINUE;
      return fires(early.onElement(item, timestamp, window, earlyCtx.on(ctx))) ? TriggerResult.FIRE : TriggerResult.CONTINUE;
    },
    onEventTime(time, window, ctx) {
      if (time === window.end) return TriggerResult.FIRE;
      const sub = time < window.end ? early : late;
      const subCtx = time < window.end ? earlyCtx : lateCtx;
      return sub && fires(sub.onEventTime(time, window, subCtx.on(ctx))) ? TriggerResult.FIRE : TriggerResult.CONTINUE;
    },
    onProcessingTime(time, window, ctx) {
      const sub = isLate(window, ctx) ? late : early;
      const subCtx = isLate(window, ctx) ? lateCtx : earlyCtx;
      return sub && fires(sub.onProcessingTime(time, window, subCtx.on(ctx))) ? TriggerResult.FIRE : TriggerResult.CONTINUE;
    },
    canMerge: () => (early?.canMerge?.() ?? true) && (late?.canMerge?.() ?? true),
    onMerge(window, ctx) {
      if (!isLate(window, ctx)) ctx.registerEventTimeTimer(window.end);
      early?.onMerge?.(window, earlyCtx.on(ctx));
      late?.onMerge?.(window, lateCtx.on(ctx));
    },
  };
}

/** A context view that namespaces a sub-trigger's state; reused across calls (no allocation per item). */
function scoped(prefix: string): { on(base: TriggerContext): OnMergeContext } {
  let base: OnMergeContext = undefined as unknown as OnMergeContext;
  const view: OnMergeContext = {
    get currentWatermark() {
      return base.currentWatermark;
    },
    currentProcessingTime: () => base.currentProcessingTime(),
    registerEventTimeTimer: (t) => base.registerEventTimeTimer(t),
    deleteEventTimeTimer: (t) => base.deleteEventTimeTimer(t),
    registerProcessingTimeTimer: (t) => base.registerProcessingTimeTimer(t),
    deleteProcessingTimeTimer: (t) => base.deleteProcessingTimeTimer(t),
    getState: (name) => base.getState(`${prefix}.${name}`),
    setState: (name, value) => base.setState(`${prefix}.${name}`, value),
    mergedStates: (name) => base.mergedStates(`${prefix}.${name}`),
  };
  return {
    on(ctx) {
      base = ctx as OnMergeContext;
      return view;
    },
  };
}
