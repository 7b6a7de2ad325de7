/**
 * In-band control signals. They travel in the same stream as data, so every
 * operator sees them in order relative to the items around them.
 */

const signalBrand: unique symbol = Symbol.for('@streamweave/signal');

/** Base of every in-band control signal. Data items are never instances of it. */
abstract class SignalBase {
  /** @internal brand checked by {@link isSignal}; survives duplicated module copies. */
  readonly [signalBrand] = true;
  /** Discriminant of the signal type: `'watermark'`, `'barrier'` or `'end'`. */
  abstract readonly kind: 'watermark' | 'barrier' | 'end';
}

/**
 * Watermark(t): no item with event time earlier than `timestamp` follows on this path.
 *
 * A watermark also carries the path's *watermark status* (Flink's
 * `WatermarkStatus`): an `idle` watermark says the path has gone quiet, so a
 * fan-in that combines several paths (core's merge, joins, graph nodes with
 * several inputs) leaves it out of the minimum instead of stalling every
 * event-time window downstream. The path becomes active again with its next
 * watermark that is not idle, or its next item. An idle watermark never moves
 * event time: its `timestamp` is the path's current watermark.
 *
 * @example
 * ```ts
 * const wm = watermark(Date.parse('2026-01-01T00:00:00Z'));
 * const quiet = watermark(wm.timestamp, { idle: true });
 * ```
 * @see {@link isWatermark}
 */
export class Watermark extends SignalBase {
  /** Discriminant of the signal type, always `'watermark'`. */
  readonly kind = 'watermark' as const;
  /**
   * @param timestamp - event time in milliseconds since the epoch (may be ±Infinity).
   * @param idle - true when the path is idle: it must not hold back a combined watermark.
   */
  constructor(
    /** Event time in milliseconds since the epoch (may be ±Infinity). */
    readonly timestamp: number,
    /** True when the path is idle: it must not hold back a combined watermark. */
    readonly idle: boolean = false,
  ) {
    super();
  }
}

/** Options of {@link watermark}. */
export interface WatermarkOptions {
  /** Marks the path idle (see {@link Watermark}). Default false. */
  readonly idle?: boolean;
}

/**
 * CheckpointBarrier(id): every item before it belongs to checkpoint `checkpointId`.
 *
 * @example
 * ```ts
 * const b = checkpointBarrier(7, Date.now());
 * ```
 * @see {@link isCheckpointBarrier}
 */
export class CheckpointBarrier extends SignalBase {
  /** Discriminant of the signal type, always `'barrier'`. */
  readonly kind = 'barrier' as const;
  /**
   * @param checkpointId - monotonically increasing checkpoint number.
   * @param timestamp - wall-clock time at which the coordinator triggered it.
   * @param savepoint - true when the checkpoint was requested as a savepoint.
   */
  constructor(
    /** Monotonically increasing checkpoint number. */
    readonly checkpointId: number,
    /** Wall-clock time, ms since the epoch, at which the coordinator triggered the checkpoint. */
    readonly timestamp: number,
    /** True when the checkpoint was requested as a savepoint. */
    readonly savepoint: boolean = false,
  ) {
    super();
  }
}

/**
 * EndOfStream: the path's sources are exhausted (or were drained). Operators that
 * buffer flush when they see it; it is followed by completion.
 *
 * @example
 * ```ts
 * if (isEndOfStream(element)) flushBuffers();
 * ```
 */
export class EndOfStream extends SignalBase {
  /** Discriminant of the signal type, always `'end'`. */
  readonly kind = 'end' as const;
}

/** Any in-band control signal. */
export type Signal = Watermark | CheckpointBarrier | EndOfStream;

/** What flows through a stream: a data item of type T or a control signal. */
export type Element<T> = T | Signal;

/**
 * True when `value` is a control signal rather than a data item.
 *
 * @example
 * ```ts
 * source.subscribe((el) => { if (!isSignal(el)) handle(el); });
 * ```
 */
export function isSignal(value: unknown): value is Signal {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[signalBrand] === true;
}

/** True when `value` is a {@link Watermark}. @example `if (isWatermark(el)) advance(el.timestamp)` */
export function isWatermark(value: unknown): value is Watermark {
  return isSignal(value) && value.kind === 'watermark';
}

/** True when `value` is a {@link CheckpointBarrier}. @example `if (isCheckpointBarrier(el)) snapshot(el.checkpointId)` */
export function isCheckpointBarrier(value: unknown): value is CheckpointBarrier {
  return isSignal(value) && value.kind === 'barrier';
}

/** True when `value` is an {@link EndOfStream}. @example `if (isEndOfStream(el)) flush()` */
export function isEndOfStream(value: unknown): value is EndOfStream {
  return isSignal(value) && value.kind === 'end';
}

/**
 * Creates a {@link Watermark}; `{ idle: true }` creates the idle status marker.
 *
 * @example
 * ```ts
 * watermark(1_700_000_000_000);
 * watermark(1_700_000_000_000, { idle: true });
 * ```
 */
export function watermark(timestamp: number, options?: WatermarkOptions): Watermark {
  return new Watermark(timestamp, options?.idle === true);
}

/** Creates a {@link CheckpointBarrier}. @example `checkpointBarrier(1, Date.now())` */
export function checkpointBarrier(checkpointId: number, timestamp: number, savepoint = false): CheckpointBarrier {
  return new CheckpointBarrier(checkpointId, timestamp, savepoint);
}

/** The shared {@link EndOfStream} instance. @example `subscriber.next(endOfStream)` */
export const endOfStream: EndOfStream = new EndOfStream();
