/**
 * What both window engines do at their input, whatever they keep per window:
 * run an item under the node's error strategy, report a failure that happened
 * while firing, and keep event time monotonic across incoming watermarks
 * (idle marks, regressions).
 */
import { type NodeContext, type Signal, type Watermark, watermark } from '@streamweave/core';

/** Where an engine reports: its error and signal outputs. */
export interface EngineOutput {
  signal(s: Signal): void;
  error(e: unknown): void;
}

/**
 * Runs `process(value, position)` under the node's error strategy: retries as
 * often as it says, skips or dead-letters the item, or stops. Returns false
 * when the strategy stopped the stream (the error went to `out.error`).
 */
export function runItem<T>(ctx: NodeContext, out: EngineOutput, value: T, position: number, process: (value: T, position: number) => void): boolean {
  for (let attempt = 1; ; attempt++) {
    try {
      process(value, position);
      return true;
    } catch (e) {
      const d = ctx.fail(e, value, position, attempt);
      if (d.action === 'stop') {
        out.error(d.error);
        return false;
      }
      if (d.action !== 'retry') return true;
    }
  }
}

/**
 * Runs `fire` (timers: a window function or trigger may throw). Such a failure
 * has no input item, so it is reported against the last item received. Returns
 * false when the strategy stopped the stream.
 */
export function fireGuarded(ctx: NodeContext, out: EngineOutput, fire: () => void): boolean {
  try {
    fire();
    return true;
  } catch (e) {
    const d = ctx.fail(e, undefined, Math.max(0, ctx.stats.in - 1), 1);
    if (d.action !== 'stop') return true;
    out.error(d.error);
    return false;
  }
}

/** The event-time side of an engine that {@link watermarkInput} drives. */
export interface EventTime {
  /** The engine's current watermark. */
  now(): number;
  /** Moves the watermark to `t` (later than now) and fires what is due. */
  advance(t: number): void;
  /** True once the stream was stopped. */
  stopped(): boolean;
  readonly stats: { watermarkRegressions: number };
}

/**
 * Returns the handler of incoming watermarks. An idle watermark is forwarded
 * once while the input stays idle (it may still advance event time); a
 * watermark that does not advance is dropped (downstream watermarks stay
 * monotonic; a regression is counted), except that the first one after an
 * idle period re-announces the current watermark as active. The handler
 * returns true when the watermark advanced event time and must be forwarded.
 */
export function watermarkInput(time: EventTime, out: EngineOutput): (s: Watermark) => boolean {
  let idle = false;
  return (s) => {
    if (s.idle) {
      if (s.timestamp > time.now()) time.advance(s.timestamp);
      if (!idle && !time.stopped()) out.signal(watermark(time.now(), { idle: true }));
      idle = true;
      return false;
    }
    const wasIdle = idle;
    idle = false;
    if (s.timestamp <= time.now()) {
      if (s.timestamp < time.now()) time.stats.watermarkRegressions++;
      if (wasIdle) out.signal(watermark(time.now()));
      return false;
    }
    time.advance(s.timestamp);
    return true;
  };
}
