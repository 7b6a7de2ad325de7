/** Runs a transformer (or a whole linear pipeline) through the real runtime and records its exact output. */
import {
  type Clock,
  defineProducer,
  type Element,
  InvalidArgumentError,
  isEndOfStream,
  isSignal,
  type NodeStatsSnapshot,
  pipeline,
  type Producer,
  type RunOptions,
  type RunStatus,
  type Signal,
  type Transformer,
} from '@streamweave/core';
import { collectElements } from './collectElements.js';
import { driveUntilSettled, type DriveOptions } from './clockHelpers.js';

/** Options of {@link runOperator} and {@link runPipeline}. */
export interface RunOperatorOptions extends RunOptions, DriveOptions {
  /** Clock of the run. A `VirtualClock` is driven automatically until the run ends. */
  readonly clock?: Clock;
  /** Keep the EndOfStream the runtime appends after the last input element (default false). */
  readonly keepEndOfStream?: boolean;
  /** Resolve with `error` set instead of rejecting when the run fails (default false). */
  readonly allowError?: boolean;
}

/** What {@link runPipeline} resolves to. */
export interface PipelineRun<O> {
  /** Every element that reached the sink, data and signals, in order. */
  readonly elements: Element<O>[];
  /** Only the data items of `elements`. */
  readonly data: O[];
  /** Only the signals of `elements`. */
  readonly signals: Signal[];
  /** Counters of every node, keyed by node id. */
  readonly runStats: Readonly<Record<string, NodeStatsSnapshot>>;
  /** How the run ended (undefined when it failed). */
  readonly status: RunStatus | undefined;
  /** The run's error, when it failed and `allowError` was set (`elements` then holds what arrived before it). */
  readonly error?: unknown;
}

/** What {@link runOperator} resolves to. */
export interface OperatorRun<O> extends PipelineRun<O> {
  /** Counters of the transformer under test. */
  readonly stats: NodeStatsSnapshot;
}

const inputName = 'runOperator.input';
const outputName = 'runOperator.output';

/**
 * Runs one transformer over given elements (data AND signals) through the real
 * runtime, and resolves the exact elements it emitted, in order, plus its stats.
 * The EndOfStream the runtime appends is dropped unless `keepEndOfStream` is set.
 * `input` may also be a producer, such as {@link fromTimeline} or {@link fromMarbles},
 * for time-based operators; pass a `VirtualClock` and it is driven to the end.
 *
 * @example
 * ```ts
 * const out = await runOperator(map((x: number) => x * 10), [1, watermark(5), 2, checkpointBarrier(1, 0)]);
 * formatElements(out.elements); // ['10', 'W(5)', '20', 'B(1)']
 * out.stats; // { in: 2, out: 2, errors: 0, skipped: 0 }
 * ```
 * @see {@link runPipeline}, {@link collectElements}, {@link formatElements}
 */
export async function runOperator<I, O>(
  transformer: Transformer<I, O>,
  input: readonly Element<I>[] | Producer<I>,
  options: RunOperatorOptions = {},
): Promise<OperatorRun<O>> {
  if (typeof transformer?.apply !== 'function' || transformer.descriptor?.kind !== 'transformer') {
    throw new InvalidArgumentError('runOperator: `transformer` must be a transformer (an object with a descriptor and apply())');
  }
  const run = await runPipeline<I, O>(input, [transformer], options);
  const id = transformer.descriptor.name ?? transformer.descriptor.type;
  const stats = run.runStats[id] ?? { in: 0, out: 0, errors: 0, skipped: 0 };
  return { ...run, stats };
}

/**
 * Runs producer → transformers → a sink that keeps signals, and resolves every
 * element that reached the sink in order, with every node's stats.
 *
 * @example
 * ```ts
 * const run = await runPipeline(fromArray([1, 2, 3]), [map((x: number) => x + 1), filter((x: number) => x % 2 === 0)]);
 * run.data; // [2, 4]
 * ```
 * @see {@link runOperator}, {@link collectElements}
 */
export async function runPipeline<T, O = unknown>(
  source: Producer<T> | readonly Element<T>[],
  transformers: readonly Transformer<never, unknown>[],
  options: RunOperatorOptions = {},
): Promise<PipelineRun<O>> {
  if (!Array.isArray(transformers)) {
    throw new InvalidArgumentError('runPipeline: `transformers` must be an array of transformers');
  }
  const { keepEndOfStream = false, allowError = false, maxTimers, idleTimeoutMs, ...runOptions } = options;
  // The chain's types were checked by the caller's transformer list; inside, items are opaque.
  let p = pipeline().from(toProducer(source as Producer<unknown> | readonly Element<unknown>[], 'runPipeline'));
  for (const t of transformers) p = p.pipe(t as Transformer<unknown, unknown>);
  // Recorded outside the sink so a failed run still shows what arrived before the failure.
  const received: Element<O>[] = [];
  const sink = collectElements<unknown>({ name: outputName, into: received as Element<unknown>[] });
  try {
    const r = await driveUntilSettled(options.clock, p.to(sink).run(runOptions), {
      ...(maxTimers === undefined ? {} : { maxTimers }),
      ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
    });
    const elements = received;
    if (!keepEndOfStream && elements.length > 0 && isEndOfStream(elements[elements.length - 1])) elements.pop();
    return split(elements, r.stats, r.status);
  } catch (error) {
    if (!allowError) throw error;
    const stats = (error as { stats?: Record<string, NodeStatsSnapshot> }).stats ?? {};
    return { ...split<O>(received, stats, undefined), error };
  }
}

function split<O>(elements: Element<O>[], runStats: Readonly<Record<string, NodeStatsSnapshot>>, status: RunStatus | undefined): PipelineRun<O> {
  const data: O[] = [];
  const signals: Signal[] = [];
  for (const el of elements) {
    if (isSignal(el)) signals.push(el);
    else data.push(el);
  }
  return { elements, data, signals, runStats, status };
}

function toProducer<I>(input: readonly Element<I>[] | Producer<I>, where: string): Producer<I> {
  if (Array.isArray(input)) return elementsProducer(input as readonly Element<I>[]);
  const p = input as Producer<I>;
  if (typeof p?.open !== 'function' || p.descriptor?.kind !== 'producer') {
    throw new InvalidArgumentError(`${where}: input must be an array of elements or a producer`);
  }
  return p;
}

/** Emits the given elements, signals included, against credit. */
function elementsProducer<I>(elements: readonly Element<I>[]): Producer<I> {
  return defineProducer<I>('elements', { count: elements.length }, { name: inputName }, () => {
    let i = 0;
    return {
      pull(emit, demand) {
        for (let n = 0; n < demand && i < elements.length; n++) emit(elements[i++]!);
        return i < elements.length;
      },
      position: () => i,
      seek(position) {
        i = Number(position);
      },
    };
  });
}
