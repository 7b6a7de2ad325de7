import { InvalidArgumentError } from '@streamweave/core';
import type { AggregateFunction } from './aggregate.js';
import type { WindowFunctionSpec } from './internal/windowEngine.js';
import { buildWindowOperator, type WindowOptions, type WindowTransformer } from './internal/windowOperator.js';

/** Options of {@link windowAggregate}. */
export interface WindowAggregateOptions<T, K, ACC, R> extends WindowOptions<T, K> {
  /** The incremental aggregation: one accumulator per window. */
  readonly aggregate: AggregateFunction<T, ACC, R>;
}

/**
 * Windows with incremental aggregation (Flink's `window(...).aggregate(fn)`):
 * each window keeps one accumulator, never its items (unless an evictor needs
 * them). Emits a {@link WindowResult} per firing, with the key and window bounds.
 * Keyed when `key` is given. Items later than `allowedLateness` go to
 * `lateData` / the `late` port of `withLateOutput()`, and are always counted.
 *
 * @example
 * ```ts
 * pipeline()
 *   .from(fromArray(clicks))
 *   .pipe(assignTimestampsAndWatermarks({ timestamp: (c) => c.ts, watermarks: boundedOutOfOrderness(5_000) }))
 *   .pipe(windowAggregate({ assigner: tumblingWindows(60_000), timestamp: (c) => c.ts, key: (c) => c.page, aggregate: count() }))
 *   .to(collect());
 * ```
 * @see {@link windowReduce}, {@link windowProcess}, {@link tumblingWindows}
 */
export function windowAggregate<T, ACC, R, K = undefined>(options: WindowAggregateOptions<T, K, ACC, R>): WindowTransformer<T, K, R> {
  const fn = (options as Partial<WindowAggregateOptions<T, K, ACC, R>> | undefined)?.aggregate as unknown as Record<string, unknown> | undefined;
  if (typeof fn !== 'object' || fn === null || !['createAccumulator', 'add', 'getResult'].every((m) => typeof fn[m] === 'function')) {
    throw new InvalidArgumentError('windowAggregate: `aggregate` must be an aggregate function with createAccumulator, add and getResult');
  }
  const spec = { kind: 'aggregate', fn: options.aggregate } as unknown as WindowFunctionSpec<T, K, R>;
  return buildWindowOperator('windowAggregate', options, spec);
}
