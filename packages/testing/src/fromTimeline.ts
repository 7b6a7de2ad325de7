/** A producer that emits scripted elements at given times on the run's clock. */
import {
  type Cancel,
  defineProducer,
  InvalidArgumentError,
  isSignal,
  type NodeOptions,
  type Producer,
  type Signal,
} from '@streamweave/core';

/**
 * One scripted event, `at` milliseconds after the run started (on the run's clock):
 * a data item, a control signal, the end of the stream, or a source failure.
 */
export type TimelineEntry<T> =
  | { readonly at: number; readonly value: T }
  | { readonly at: number; readonly signal: Signal }
  | { readonly at: number; readonly end: true }
  | { readonly at: number; readonly error: unknown };

/**
 * Emits each entry when the run's clock reaches `at` (relative to when the source
 * opened). Entries at the same time keep their order. An `end` entry completes
 * the stream; an `error` entry fails the source (through its error strategy);
 * without an `end` entry the source stays open after the last entry until the run
 * is drained or cancelled, like a live source. Replayable: `position()` is the
 * number of entries emitted.
 *
 * Run it with a `VirtualClock` so time-based operators are tested in virtual time.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const src = fromTimeline([{ at: 0, value: 'a' }, { at: 50, signal: watermark(50) }, { at: 120, value: 'b' }, { at: 120, end: true }]);
 * const out = await runOperator(myWindow, src, { clock });
 * ```
 * @see {@link fromMarbles}, {@link parseMarbles}, {@link runOperator}
 */
export function fromTimeline<T>(entries: readonly TimelineEntry<T>[], options?: NodeOptions): Producer<T> {
  if (!Array.isArray(entries)) throw new InvalidArgumentError('fromTimeline: `entries` must be an array');
  entries.forEach((e, i) => {
    const ok =
      typeof e === 'object' &&
      e !== null &&
      typeof e.at === 'number' &&
      Number.isFinite(e.at) &&
      e.at >= 0 &&
      ('value' in e || ('signal' in e && isSignal(e.signal)) || ('end' in e && e.end === true) || 'error' in e);
    if (!ok) {
      throw new InvalidArgumentError(
        `fromTimeline: entry #${i} must be {at, value} | {at, signal} | {at, end: true} | {at, error} with a finite at >= 0, got ${JSON.stringify(e)}`,
      );
    }
  });
  // Stable sort: entries scripted for the same time keep their order.
  const sorted = entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i).map((x) => x.e);
  return defineProducer<T>('fromTimeline', { entries: sorted.length }, options, (ctx) => {
    const start = ctx.clock.now();
    let i = 0;
    let cancelTimer: Cancel | undefined;
    let wake: (() => void) | undefined;
    const onStop = () => {
      cancelTimer?.();
      wake?.();
    };
    ctx.signal.addEventListener('abort', onStop, { once: true });
    return {
      pull(emit, demand) {
        if (ctx.signal.aborted) return true;
        const now = ctx.clock.now();
        let emitted = 0;
        while (i < sorted.length && emitted < demand && start + sorted[i]!.at <= now) {
          const e = sorted[i++]!;
          if ('end' in e) return false;
          if ('error' in e) throw e.error;
          emit('signal' in e ? e.signal : e.value);
          emitted++;
        }
        if (emitted > 0 || i < sorted.length && start + sorted[i]!.at <= now) return true;
        // Nothing due: wait for the next entry's time, or forever (until drain/cancel) after the last.
        return new Promise<boolean>((resolve) => {
          wake = () => resolve(true);
          if (i < sorted.length) {
            cancelTimer = ctx.clock.schedule(() => {
              cancelTimer = undefined;
              wake = undefined;
              resolve(true);
            }, start + sorted[i]!.at - now);
          }
        });
      },
      position: () => i,
      seek(position) {
        i = Number(position);
      },
      close() {
        ctx.signal.removeEventListener('abort', onStop);
        cancelTimer?.();
      },
    };
  });
}
