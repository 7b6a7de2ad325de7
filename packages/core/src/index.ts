/**
 * `@streamweave/core`: typed, backpressured stream pipelines and graphs.
 *
 * @packageDocumentation
 */
export { type Cancel, type Clock, systemClock } from './clock.js';
export { VirtualClock } from './virtualClock.js';
export type {
  Consumer,
  CreditHold,
  JsonValue,
  NodeContext,
  NodeDescriptor,
  NodeKind,
  NodeOptions,
  NodeStats,
  Producer,
  ProducerContext,
  ResolvedErrorAction,
  RunHooks,
  SourceReader,
  Transformer,
} from './contracts.js';
export {
  backoffDelay,
  GraphValidationError,
  InvalidArgumentError,
  onError,
  PipelineAbortedError,
  StreamWeaveError,
  type BackoffOptions,
  type ComponentRef,
  type DeadLetter,
  type ErrorAction,
  type ErrorStrategy,
  type FailureInfo,
  type NodeStatsSnapshot,
  type RetryStrategyOptions,
  type StreamWeaveErrorOptions,
} from './errors.js';
export {
  CheckpointBarrier,
  checkpointBarrier,
  EndOfStream,
  endOfStream,
  isCheckpointBarrier,
  isEndOfStream,
  isSignal,
  isWatermark,
  Watermark,
  watermark,
  type Element,
  type Signal,
  type WatermarkOptions,
} from './signals.js';
export { whenAborted } from './internal/lazyAbort.js';
export { pipeline, type EmptyPipeline, type RunnablePipeline, type SourcedPipeline } from './pipelineBuilder.js';
export {
  graph,
  GraphBuilder,
  type BuiltGraph,
  type EmptyRecord,
  type GraphNodes,
  type InputRefAccepting,
  type NodePorts,
  type PortRefString,
  type OutputRef,
  type OutputType,
} from './graphBuilder.js';
export type { EdgeSpec, GraphDescription, MultiPortTransformer, PortMap, PortRef } from './graph/model.js';
export type { CheckpointListener, RunHandle, RunOptions, RunResult, RunStatus } from './runtime/run.js';
export { alignedMerge } from './internal/alignedMerge.js';
export { defineTransformer, defineConsumer, type OperatorHandlers, type ConsumerHandlers } from './internal/define.js';
export { defineProducer } from './internal/defineProducer.js';
export { convertInSource, skippedInput } from './internal/convertInSource.js';
export { describeNode, toPlainData } from './internal/describe.js';
// producers
export { fromArray } from './producers/fromArray.js';
export { fromIterable } from './producers/fromIterable.js';
export { fromAsyncIterable } from './producers/fromAsyncIterable.js';
export { fromObservable, type FromObservableOptions, type OverflowPolicy } from './producers/fromObservable.js';
export { range } from './producers/range.js';
export { interval, timer } from './producers/interval.js';
// consumers
export { collect, type CollectOptions } from './consumers/collect.js';
export { forEach } from './consumers/forEach.js';
export { toConsole, type ToConsoleOptions } from './consumers/toConsole.js';
export { reduceTo } from './consumers/reduceTo.js';
export { toObservable, type ObservableConsumer } from './consumers/toObservable.js';
export { Serial } from './consumers/serial.js';
// transformers
export { map } from './transformers/map.js';
export { mapAsync, type MapAsyncOptions } from './transformers/mapAsync.js';
export { filter } from './transformers/filter.js';
export { batch, type BatchOptions } from './transformers/batch.js';
export { rateLimit, type RateLimitOptions } from './transformers/rateLimit.js';
export { circuitBreaker, CircuitOpenError, type CircuitBreakerOptions, type CircuitState } from './transformers/circuitBreaker.js';
export { retry, type RetryOptions } from './transformers/retry.js';
export { countWindow } from './transformers/countWindow.js';
export { processingTimeWindow, type TimeWindow } from './transformers/processingTimeWindow.js';
export { delay } from './transformers/delay.js';
export { lift } from './transformers/lift.js';
export { take } from './transformers/take.js';
// operator library (issue 3)
export { buffer, type BufferOptions } from './operators/buffer.js';
export { chunk, type ChunkOptions } from './operators/chunk.js';
export { distinctUntilChanged, type DistinctUntilChangedOptions } from './operators/distinctUntilChanged.js';
export { flatMap, type FlatMapOptions, type FlatMapResult } from './operators/flatMap.js';
export { flatten } from './operators/flatten.js';
export { groupBy, type GroupByOptions } from './operators/groupBy.js';
export { keyedReduce, type KeyedReduceOptions, type KeyedValue } from './operators/keyedReduce.js';
export { movingAverage, type MovingAverageOptions } from './operators/movingAverage.js';
export { reduce, type ReduceOptions } from './operators/reduce.js';
export { runningSum } from './operators/runningSum.js';
export { scan } from './operators/scan.js';
export { skip } from './operators/skip.js';
export { skipWhile } from './operators/skipWhile.js';
export { takeWhile, type TakeWhileOptions } from './operators/takeWhile.js';
export { timeout, TimeoutError, type TimeoutOptions } from './operators/timeout.js';
export { externalSort, type ExternalSortOptions } from './operators/externalSort.js';
export { memoryRunStore, type SortRunStore } from './operators/sortRunStore.js';
export { sortBuffer, type SortBufferOptions } from './operators/sortBuffer.js';
export { topN, type TopNOptions } from './operators/topN.js';
export type { SortOrder } from './operators/internal/sorting.js';
export { approximateDistinct, type ApproximateDistinctOptions } from './operators/approximateDistinct.js';
export { debounce } from './operators/debounce.js';
export { distinct, type DistinctOptions } from './operators/distinct.js';
export { sample, type SampleOptions } from './operators/sample.js';
export { throttle, type ThrottleOptions } from './operators/throttle.js';
// routing: fan-out / fan-in (issue 3)
export { branch } from './routing/branch.js';
export { broadcast, type BroadcastOptions, type BroadcastOverflow } from './routing/broadcast.js';
export { concat } from './routing/concat.js';
export { interleave } from './routing/interleave.js';
export { keyPartition, partitionOf } from './routing/keyPartition.js';
export { loadBalance } from './routing/loadBalance.js';
export { merge, type FanInPorts } from './routing/merge.js';
export { orderedMerge, type OrderedMergeOptions } from './routing/orderedMerge.js';
export { partition } from './routing/partition.js';
export { roundRobin, type FanOutPorts, type IndexedPorts, type PortIndex } from './routing/roundRobin.js';
export { route, type RouteOptions } from './routing/route.js';
export { split, type SplitOptions } from './routing/split.js';
export { zip } from './routing/zip.js';
export { intervalJoin, type IntervalJoinOptions, type JoinedPair } from './operators/joins/intervalJoin.js';
export { lookupJoin, type LookupJoinOptions, type LookupSource } from './operators/joins/lookupJoin.js';
export { windowJoin, type WindowJoinOptions, type WindowJoinResult, type WindowJoinType } from './operators/joins/windowJoin.js';
export type { JoinSide } from './operators/internal/joinSide.js';
