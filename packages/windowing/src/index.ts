/**
 * `@streamweave/windowing`: event time, watermarks, window assigners, triggers,
 * evictors and allowed lateness, with Flink's semantics.
 *
 * @packageDocumentation
 */
export { timeWindow, globalWindow, type FiringTiming, type TimestampedValue, type TimeWindow, type WindowResult } from './windows.js';
export { count, sum, average, type AggregateFunction, type AverageAccumulator } from './aggregate.js';
export type { TimeCharacteristic, TimeWindowOptions, WindowAssigner, WindowAssignerContext } from './assigners/windowAssigner.js';
export { tumblingWindows } from './assigners/tumblingWindows.js';
export { slidingWindows } from './assigners/slidingWindows.js';
export { sessionWindows, type SessionWindowOptions } from './assigners/sessionWindows.js';
export { globalWindows } from './assigners/globalWindows.js';
export { countWindows } from './assigners/countWindows.js';
export { TriggerResult, type OnMergeContext, type Trigger, type TriggerContext } from './triggers/trigger.js';
export { eventTimeTrigger } from './triggers/eventTimeTrigger.js';
export { afterWatermark, type AfterWatermarkOptions } from './triggers/afterWatermark.js';
export { processingTimeTrigger } from './triggers/processingTimeTrigger.js';
export { countTrigger } from './triggers/countTrigger.js';
export { purgingTrigger } from './triggers/purgingTrigger.js';
export { continuousEventTimeTrigger } from './triggers/continuousEventTimeTrigger.js';
export { continuousProcessingTimeTrigger } from './triggers/continuousProcessingTimeTrigger.js';
export { neverTrigger } from './triggers/neverTrigger.js';
export type { Evictor, EvictorContext, EvictorOptions } from './evictors/evictor.js';
export { countEvictor } from './evictors/countEvictor.js';
export { timeEvictor } from './evictors/timeEvictor.js';
export { deltaEvictor } from './evictors/deltaEvictor.js';
export { heapWindowState, type KeyedWindowStore, type WindowStateBackend } from './state/windowState.js';
export type { LateItemInfo, ProcessWindowInfo, WindowOperatorStats } from './internal/windowEngine.js';
export { windowStateExtension, type WindowOptions, type WindowTransformer } from './internal/windowOperator.js';
export { windowAggregate, type WindowAggregateOptions } from './windowAggregate.js';
export { windowReduce, type WindowReduceOptions } from './windowReduce.js';
export { windowProcess, type WindowProcessOptions } from './windowProcess.js';
export type { WatermarkGenerator, WatermarkGeneratorFactory, WatermarkOutput } from './watermarks/watermarkGenerator.js';
export { boundedOutOfOrderness } from './watermarks/boundedOutOfOrderness.js';
export { monotonousTimestamps } from './watermarks/monotonousTimestamps.js';
export { punctuatedWatermarks } from './watermarks/punctuatedWatermarks.js';
export {
  assignTimestampsAndWatermarks,
  type WatermarkStats,
  type WatermarkStrategy,
  type WatermarkTransformer,
} from './watermarks/assignTimestampsAndWatermarks.js';
