/** The watermark generator API, mirroring Flink's WatermarkGenerator / WatermarkOutput. */

/** Where a generator sends watermarks. */
export interface WatermarkOutput {
  /** Proposes watermark `timestamp` (ms): no item earlier than it should follow. A lower value than before is ignored and counted. */
  emitWatermark(timestamp: number): void;
  /** Marks this partition idle: it no longer holds back the combined watermark until its next item. */
  markIdle(): void;
}

/**
 * Generates watermarks for one partition (Flink's `WatermarkGenerator`): `onEvent`
 * sees every item (emit here for punctuated watermarks), `onPeriodicEmit` runs
 * on the clock every `periodMs` (periodic watermarks).
 *
 * @example
 * ```ts
 * const lagging: WatermarkGeneratorFactory<unknown> = () => {
 *   let max = -Infinity;
 *   return { onEvent: (_x, ts) => { max = Math.max(max, ts); }, onPeriodicEmit: (out) => out.emitWatermark(max - 1000) };
 * };
 * ```
 * @see {@link boundedOutOfOrderness}, {@link monotonousTimestamps}, {@link punctuatedWatermarks}
 */
export interface WatermarkGenerator<T> {
  /** An item with event time `timestamp` passed. */
  onEvent(item: T, timestamp: number, output: WatermarkOutput): void;
  /** Periodic tick (and, with `periodMs: 0`, after every item). */
  onPeriodicEmit(output: WatermarkOutput): void;
}

/** Creates one generator per partition. */
export type WatermarkGeneratorFactory<T> = () => WatermarkGenerator<T>;
