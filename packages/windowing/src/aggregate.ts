/**
 * Incremental aggregation, mirroring Flink's AggregateFunction: one accumulator
 * per window, updated per item, so a window never keeps its items.
 */
import { requireFn } from './internal/validate.js';

/**
 * An incremental aggregation (Flink's `AggregateFunction`). `add` may mutate and
 * return the accumulator (cheapest) or return a new one. `merge` is needed by
 * merging windows (sessions).
 *
 * @example
 * ```ts
 * const maxAmount: AggregateFunction<{ amount: number }, number, number> = {
 *   createAccumulator: () => -Infinity,
 *   add: (e, acc) => Math.max(acc, e.amount),
 *   getResult: (acc) => acc,
 *   merge: (a, b) => Math.max(a, b),
 * };
 * ```
 * @see {@link count}, {@link sum}, {@link average}, {@link windowAggregate}
 */
export interface AggregateFunction<T, ACC, R> {
  /** A fresh accumulator for a new window. */
  createAccumulator(): ACC;
  /** Adds one item; returns the (possibly same) accumulator. */
  add(value: T, accumulator: ACC): ACC;
  /** The window's result from its accumulator. */
  getResult(accumulator: ACC): R;
  /** Combines the accumulators of two merged windows. */
  merge?(a: ACC, b: ACC): ACC;
}

/**
 * Counts items.
 *
 * @example
 * ```ts
 * windowAggregate({ assigner: tumblingWindows(1000), timestamp: (e) => e.ts, key: (e) => e.user, aggregate: count() });
 * ```
 * @see {@link sum}, {@link average}
 */
export function count<T = unknown>(): AggregateFunction<T, number, number> {
  return { createAccumulator: () => 0, add: (_v, acc) => acc + 1, getResult: (acc) => acc, merge: (a, b) => a + b };
}

/**
 * Sums `value(item)`.
 *
 * @example
 * ```ts
 * sum((order: { amount: number }) => order.amount);
 * ```
 * @see {@link count}, {@link average}
 */
export function sum<T>(value: (item: T) => number): AggregateFunction<T, number, number> {
  requireFn('sum', 'value', value);
  return { createAccumulator: () => 0, add: (v, acc) => acc + value(v), getResult: (acc) => acc, merge: (a, b) => a + b };
}

/** The accumulator of {@link average}. */
export interface AverageAccumulator {
  /** Sum of the values added so far. */
  sum: number;
  /** Number of values added so far. */
  count: number;
}

/**
 * Averages `value(item)` (NaN for an empty window, which never fires).
 *
 * @example
 * ```ts
 * average((r: { celsius: number }) => r.celsius);
 * ```
 * @see {@link sum}
 */
export function average<T>(value: (item: T) => number): AggregateFunction<T, AverageAccumulator, number> {
  requireFn('average', 'value', value);
  return {
    createAccumulator: () => ({ sum: 0, count: 0 }),
    add(v, acc) {
      acc.sum += value(v);
      acc.count++;
      return acc;
    },
    getResult: (acc) => acc.sum / acc.count,
    merge: (a, b) => ({ sum: a.sum + b.sum, count: a.count + b.count }),
  };
}
