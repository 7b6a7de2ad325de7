/**
 * `@streamweave/testing`: helpers to test StreamWeave operators and pipelines —
 * run an operator over data and signals, collect elements, virtual time,
 * marble timelines, fault injection, seeded randomness and exactly-once
 * accounting, and codec helpers (run a decoder over
 * chunks, cut and corrupt bytes for property tests). Browser-safe.
 *
 * @packageDocumentation
 */
export { VirtualClock } from '@streamweave/core';
export { advanceAndSettle, driveUntilSettled, expectNoLeakedTimers, type DriveOptions } from './clockHelpers.js';
export { snapshotActiveHandles, type ActiveHandleSnapshot } from './activeHandles.js';
export { collectElements, type CollectElementsOptions } from './collectElements.js';
export { formatElements } from './formatElements.js';
export { runOperator, runPipeline, type OperatorRun, type PipelineRun, type RunOperatorOptions } from './runOperator.js';
export { fromTimeline, type TimelineEntry } from './fromTimeline.js';
export { fromMarbles, parseMarbles, type MarbleOptions } from './marbles.js';
export { failAt, type FailAtOptions } from './faults/failAt.js';
export { slowConsumer, type SlowConsumerOptions } from './faults/slowConsumer.js';
export { throwOnClose, type ThrowOnCloseProducer } from './faults/throwOnClose.js';
export { flakyAsync, type FlakyFunction } from './faults/flakyAsync.js';
export { chunked, concat, splitAt, text, utf8 } from './codecs/bytes.js';
export { mutate, type Mutation } from './codecs/mutate.js';
export { runCodec, runCodecError, type CodecOutcome } from './codecs/runCodec.js';
export { decodeOrTypedError } from './codecs/decodeOrTypedError.js';
export { seededRandom } from './seededRandom.js';
export { deliveryTally, type DeliveryTally } from './deliveryTally.js';
