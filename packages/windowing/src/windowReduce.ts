import { requireFn } from './internal/validate.js';
import { buildWindowOperator, type WindowOptions, type WindowTransformer } from './internal/windowOperator.js';

/** Options of {@link windowReduce}. */
export interface WindowReduceOptions<T, K> extends WindowOptions<T, K> {
  /** Combines two items into one of the same type; one value per window is kept. */
  readonly reduce: (a: T, b: T) => T;
}

/**
 * Windows with a reduce function (Flink's `window(...).reduce(fn)`): each window
 * keeps one value of the item type, combined item by item.
 *
 * @example
 * ```ts
 * windowReduce({ assigner: tumblingWindows(1_000), timestamp: (r) => r.ts, key: (r) => r.sensor, reduce: (a, b) => (a.value >= b.value ? a : b) });
 * ```
 * @see {@link windowAggregate}, {@link windowProcess}
 */
export function windowReduce<T, K = undefined>(options: WindowReduceOptions<T, K>): WindowTransformer<T, K, T> {
  requireFn('windowReduce', 'reduce', (options as Partial<WindowReduceOptions<T, K>> | undefined)?.reduce);
  return buildWindowOperator('windowReduce', options, { kind: 'reduce', fn: options.reduce });
}
