/**
 * Keyed, checkpointed aggregation patterns: each is a keyed stateful operator whose
 * accumulator lives in keyed state, so it survives restarts with the job.
 * Every one emits the key's updated aggregate for each input item.
 */
import { InvalidArgumentError, type NodeOptions } from '@streamweave/core';
import { keyedOperator, type KeyValue, type StatefulTransformer } from '../keyedProcess.js';
import { listState, valueState } from '../keyedState.js';
import type { KeyedStateStoreFactory } from '../keyedStateStore.js';
import { HyperLogLog } from './hyperLogLog.js';
import { TDigest } from './tDigest.js';

/** Options shared by the aggregation patterns. */
export interface AggregationOptions<T, K extends KeyValue> extends NodeOptions {
  /** Groups items; each key has its own aggregate. */
  readonly keyBy: (item: T) => K;
  /** Where the aggregates live while the job runs (default: the heap; `lmdbKeyedStore` from `@streamweave/state/node` for state larger than memory). */
  readonly store?: KeyedStateStoreFactory;
}

/** Options of aggregations over a numeric value. */
export interface NumericAggregationOptions<T, K extends KeyValue> extends AggregationOptions<T, K> {
  /** The number to aggregate. */
  readonly value: (item: T) => number;
}

function check(type: string, o: { keyBy?: unknown; value?: unknown }, needsValue: boolean): void {
  if (!o || typeof o.keyBy !== 'function') throw new InvalidArgumentError(`${type}: \`keyBy\` must be a function`);
  if (needsValue && typeof o.value !== 'function') throw new InvalidArgumentError(`${type}: \`value\` must be a function`);
}

/**
 * Running total per key.
 *
 * @example
 * ```ts
 * runningTotal({ keyBy: (o: Order) => o.account, value: (o) => o.amount, name: 'balance' }); // { key, total }
 * ```
 * @see {@link keyedCount}, {@link movingAverage}
 */
export function runningTotal<T, K extends KeyValue>(o: NumericAggregationOptions<T, K>): StatefulTransformer<T, { key: K; total: number }> {
  check('runningTotal', o, true);
  const state = { total: valueState<number>({ defaultValue: 0 }) };
  return keyedOperator<T, { key: K; total: number }, K, typeof state>(
    'runningTotal',
    {
      keyBy: o.keyBy,
      state,
      processElement(item, ctx) {
        const total = ctx.state.total.value()! + o.value(item);
        ctx.state.total.update(total);
        ctx.emit({ key: ctx.key, total });
      },
    },
    o,
    { keyBy: o.keyBy, value: o.value },
  );
}

/**
 * Count per key.
 *
 * @example
 * ```ts
 * keyedCount({ keyBy: (e: Click) => e.page, name: 'views' }); // { key, count }
 * ```
 * @see {@link countDistinct}
 */
export function keyedCount<T, K extends KeyValue>(o: AggregationOptions<T, K>): StatefulTransformer<T, { key: K; count: number }> {
  check('keyedCount', o, false);
  const state = { count: valueState<number>({ defaultValue: 0 }) };
  return keyedOperator<T, { key: K; count: number }, K, typeof state>(
    'keyedCount',
    {
      keyBy: o.keyBy,
      state,
      processElement(_item, ctx) {
        const count = ctx.state.count.value()! + 1;
        ctx.state.count.update(count);
        ctx.emit({ key: ctx.key, count });
      },
    },
    o,
    { keyBy: o.keyBy },
  );
}

/**
 * Minimum and maximum per key.
 *
 * @example
 * ```ts
 * minMax({ keyBy: (r: Reading) => r.sensor, value: (r) => r.celsius }); // { key, min, max }
 * ```
 * @see {@link runningTotal}
 */
export function minMax<T, K extends KeyValue>(o: NumericAggregationOptions<T, K>): StatefulTransformer<T, { key: K; min: number; max: number }> {
  check('minMax', o, true);
  const state = { range: valueState<[number, number]>() };
  return keyedOperator<T, { key: K; min: number; max: number }, K, typeof state>(
    'minMax',
    {
      keyBy: o.keyBy,
      state,
      processElement(item, ctx) {
        const v = o.value(item);
        const [min, max] = ctx.state.range.value() ?? [v, v];
        const next: [number, number] = [Math.min(min, v), Math.max(max, v)];
        ctx.state.range.update(next);
        ctx.emit({ key: ctx.key, min: next[0], max: next[1] });
      },
    },
    o,
    { keyBy: o.keyBy, value: o.value },
  );
}

/** Options of {@link movingAverage}: exactly one of `count` or `windowMs`. */
export interface MovingAverageOptions<T, K extends KeyValue> extends NumericAggregationOptions<T, K> {
  /** Average over the last `count` values of the key. */
  readonly count?: number;
  /** Average over the values of the last `windowMs` ms. */
  readonly windowMs?: number;
  /** Event time of an item for the time-based form (default: processing time, `ctx.clock`). */
  readonly timestamp?: (item: T) => number;
}

/**
 * Moving average per key, count-based (last n values) or time-based (last `windowMs`).
 *
 * @example
 * ```ts
 * movingAverage({ keyBy: (t: Tick) => t.symbol, value: (t) => t.price, count: 20 }); // { key, average, samples }
 * movingAverage({ keyBy: (t: Tick) => t.symbol, value: (t) => t.price, windowMs: 60_000, timestamp: (t) => t.time });
 * ```
 * @see {@link runningTotal}
 */
export function movingAverage<T, K extends KeyValue>(o: MovingAverageOptions<T, K>): StatefulTransformer<T, { key: K; average: number; samples: number }> {
  check('movingAverage', o, true);
  const byCount = o.count !== undefined;
  if (byCount === (o.windowMs !== undefined)) throw new InvalidArgumentError('movingAverage: give exactly one of `count` or `windowMs`');
  const size = (byCount ? o.count : o.windowMs) as number;
  if (!(Number.isFinite(size) && size > 0) || (byCount && !Number.isInteger(size))) {
    throw new InvalidArgumentError(`movingAverage: ${byCount ? 'count must be a positive integer' : 'windowMs must be a positive number'}, got ${String(size)}`);
  }
  const state = { recent: listState<[number, number]>() };
  return keyedOperator<T, { key: K; average: number; samples: number }, K, typeof state>(
    'movingAverage',
    {
      keyBy: o.keyBy,
      state,
      processElement(item, ctx) {
        const t = o.timestamp ? o.timestamp(item) : ctx.timers.currentProcessingTime();
        let recent = [...ctx.state.recent.get(), [t, o.value(item)] as [number, number]];
        recent = byCount ? recent.slice(-size) : recent.filter(([ts]) => ts > t - size);
        ctx.state.recent.update(recent);
        const sum = recent.reduce((s, [, v]) => s + v, 0);
        ctx.emit({ key: ctx.key, average: sum / recent.length, samples: recent.length });
      },
    },
    o,
    { keyBy: o.keyBy, value: o.value, count: o.count ?? null, windowMs: o.windowMs ?? null },
  );
}

/** Options of {@link countDistinct}. */
export interface CountDistinctOptions<T, K extends KeyValue> extends AggregationOptions<T, K> {
  /** The value whose distinct count is estimated. */
  readonly value: (item: T) => string | number;
  /** HyperLogLog precision, 4..16 (default 12: 4096 registers, about 1.6% standard error). */
  readonly precision?: number;
}

/**
 * Approximate count of distinct values per key with HyperLogLog (bounded memory per key).
 *
 * @example
 * ```ts
 * countDistinct({ keyBy: (v: Visit) => v.page, value: (v) => v.userId }); // { key, distinct }
 * ```
 * @see {@link keyedCount}
 */
export function countDistinct<T, K extends KeyValue>(o: CountDistinctOptions<T, K>): StatefulTransformer<T, { key: K; distinct: number }> {
  check('countDistinct', o, true);
  const precision = o.precision ?? 12;
  HyperLogLog.checkPrecision(precision);
  const state = { hll: valueState<string>() };
  return keyedOperator<T, { key: K; distinct: number }, K, typeof state>(
    'countDistinct',
    {
      keyBy: o.keyBy,
      state,
      processElement(item, ctx) {
        const stored = ctx.state.hll.value();
        const hll = stored === undefined ? new HyperLogLog(precision) : HyperLogLog.fromString(stored);
        hll.add(String(o.value(item)));
        ctx.state.hll.update(hll.toString());
        ctx.emit({ key: ctx.key, distinct: hll.estimate() });
      },
    },
    o,
    { keyBy: o.keyBy, value: o.value, precision },
  );
}

/** Options of {@link percentiles}. */
export interface PercentilesOptions<T, K extends KeyValue> extends NumericAggregationOptions<T, K> {
  /** Quantiles to report, each in [0, 1] (for example `[0.5, 0.95, 0.99]`). */
  readonly quantiles: readonly number[];
  /** t-digest compression (default 100): more centroids, more accuracy. */
  readonly compression?: number;
}

/**
 * Approximate percentiles per key with a t-digest (accurate at the tails, bounded size).
 *
 * @example
 * ```ts
 * percentiles({ keyBy: (r: Req) => r.route, value: (r) => r.ms, quantiles: [0.5, 0.99] }); // { key, quantiles: { '0.5': 12, '0.99': 230 } }
 * ```
 * @see {@link minMax}
 */
export function percentiles<T, K extends KeyValue>(o: PercentilesOptions<T, K>): StatefulTransformer<T, { key: K; quantiles: Record<string, number> }> {
  check('percentiles', o, true);
  if (!Array.isArray(o.quantiles) || o.quantiles.length === 0 || o.quantiles.some((q) => !(q >= 0 && q <= 1))) {
    throw new InvalidArgumentError('percentiles: `quantiles` must be a non-empty array of numbers in [0, 1]');
  }
  const compression = o.compression ?? 100;
  const state = { digest: valueState<Array<[number, number]>>() };
  return keyedOperator<T, { key: K; quantiles: Record<string, number> }, K, typeof state>(
    'percentiles',
    {
      keyBy: o.keyBy,
      state,
      processElement(item, ctx) {
        const digest = new TDigest(compression, ctx.state.digest.value());
        digest.add(o.value(item));
        ctx.state.digest.update(digest.centroids());
        const quantiles: Record<string, number> = {};
        for (const q of o.quantiles) quantiles[String(q)] = digest.quantile(q);
        ctx.emit({ key: ctx.key, quantiles });
      },
    },
    o,
    { keyBy: o.keyBy, value: o.value, quantiles: [...o.quantiles], compression },
  );
}
