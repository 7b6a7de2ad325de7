/**
 * `@streamweave/state` — keyed state, checkpoints, recovery, offsets and exactly-once
 * output. This entry is browser-safe; Node-only backends, checkpoint storage and
 * file sinks are in `@streamweave/state/node`.
 *
 * @packageDocumentation
 */
export type { StateBackend, StateSnapshot } from './backends/stateBackend.js';
export { memoryBackend } from './backends/memoryBackend.js';
export { memoryCheckpointStorage, type CheckpointMetadata, type CheckpointStorage } from './checkpointStorage.js';
export {
  CheckpointCoordinator,
  type CheckpointCoordinatorOptions,
  type CheckpointedJob,
  type CheckpointedRunResult,
  type RestoreFrom,
} from './checkpointCoordinator.js';
export { CheckpointFailedError, CorruptCheckpointError, StateMismatchError } from './errors.js';
export {
  aggregatingState,
  listState,
  mapState,
  reducingState,
  valueState,
  type AggregateFunction,
  type AggregatingState,
  type ListState,
  type MapState,
  type ReducingState,
  type StateAccessors,
  type StateDescriptor,
  type StateDescriptors,
  type StateOptions,
  type ValueState,
} from './keyedState.js';
export { heapKeyedStore } from './heapKeyedStore.js';
export {
  type KeyedStateStore,
  type KeyedStateStoreFactory,
  type KeyedStateStoreInit,
  type SnapshotRequest,
} from './keyedStateStore.js';
export {
  keyedProcess,
  type KeyedProcessContext,
  type KeyedProcessFunction,
  type KeyValue,
  type StatefulTransformer,
  type TimerService,
} from './keyedProcess.js';
export {
  twoPhaseCommitSink,
  transactionalSink,
  type TwoPhaseCommitHandler,
  type TwoPhaseCommitResult,
} from './twoPhaseCommitSink.js';
export { idempotentSink, deterministicKey, type IdempotentSinkOptions } from './idempotentSink.js';
export { deduplicate, type DeduplicateOptions } from './deduplicate.js';
export { OffsetStore } from './offsetStore.js';
export { stateExtensionKey, stateRuntimeOf, type CheckpointParticipant, type StateRuntime } from './internal/stateRuntime.js';
export {
  countDistinct,
  keyedCount,
  minMax,
  movingAverage,
  percentiles,
  runningTotal,
  type AggregationOptions,
  type CountDistinctOptions,
  type MovingAverageOptions,
  type NumericAggregationOptions,
  type PercentilesOptions,
} from './aggregations/patterns.js';
export { HyperLogLog } from './aggregations/hyperLogLog.js';
export { TDigest } from './aggregations/tDigest.js';
