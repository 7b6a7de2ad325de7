import type { Cancel, NodeOptions, Transformer } from '@streamweave/core';
import { defineTransformer, InvalidArgumentError, isWatermark, StreamWeaveError, watermark } from '@streamweave/core';
import { describeValue, requireFn } from '../internal/validate.js';
import type { WatermarkGenerator, WatermarkGeneratorFactory, WatermarkOutput } from './watermarkGenerator.js';

/** Options of {@link assignTimestampsAndWatermarks}. */
export interface WatermarkStrategy<T> extends NodeOptions {
  /** Event-time extractor (ms). A non-finite or non-number result is an error of this node. */
  readonly timestamp: (item: T) => number;
  /** Generator factory: {@link boundedOutOfOrderness}, {@link monotonousTimestamps}, {@link punctuatedWatermarks} or your own. */
  readonly watermarks: WatermarkGeneratorFactory<T>;
  /**
   * Partition key for a stream that interleaves several sources (Kafka partitions,
   * devices): each partition gets its own generator and the emitted watermark is
   * the minimum over the active partitions. Meant for a bounded number of partitions.
   */
  readonly partition?: (item: T) => unknown;
  /**
   * A partition without items for this long (processing time) stops holding the
   * watermark back until it produces again. On by default (60 s); `Infinity` turns it off.
   * When every partition is idle, the node emits an idle watermark (see core's
   * `Watermark.idle`), so a downstream fan-in (merge, join, a graph node with
   * several inputs) stops waiting for this stream until it produces again.
   */
  readonly idleTimeoutMs?: number;
  /** Periodic emission interval on the run's clock (default 200 ms); 0 evaluates after every item. */
  readonly periodMs?: number;
}

/** Counters of the latest run of an {@link assignTimestampsAndWatermarks} node. */
export interface WatermarkStats {
  /** Last emitted watermark. */
  watermark: number;
  /** Partitions seen. */
  partitions: number;
  /** Partitions currently idle. */
  idlePartitions: number;
  /** Watermarks a generator tried to move backwards (or emitted as NaN / non-numbers): ignored and counted here. */
  regressions: number;
}

/** An {@link assignTimestampsAndWatermarks} node: a transformer with `inspect()`. */
export interface WatermarkTransformer<T> extends Transformer<T, T> {
  /** Counters of the latest run. */
  inspect(): Readonly<WatermarkStats>;
}

interface Partition<T> {
  wm: number;
  last: number;
  idle: boolean;
  readonly gen: WatermarkGenerator<T>;
  readonly output: WatermarkOutput;
}

/**
 * Reads event time from items and inserts watermarks into the stream (Flink's
 * `assignTimestampsAndWatermarks`). Items pass unchanged; watermarks never go
 * backwards; per-partition watermarks combine as the minimum over partitions
 * that are not idle; idle detection is on by default. Upstream watermarks are
 * replaced by the ones generated here, as in Flink.
 *
 * @example
 * ```ts
 * pipeline().from(events)
 *   .pipe(assignTimestampsAndWatermarks({ timestamp: (e) => e.ts, watermarks: boundedOutOfOrderness(2_000), partition: (e) => e.partition }))
 *   .pipe(windowAggregate({ assigner: tumblingWindows(10_000), timestamp: (e) => e.ts, aggregate: count() }))
 *   .to(collect());
 * ```
 * @see {@link boundedOutOfOrderness}, {@link windowAggregate}
 */
export function assignTimestampsAndWatermarks<T>(strategy: WatermarkStrategy<T>): WatermarkTransformer<T> {
  const type = 'assignTimestampsAndWatermarks';
  if (typeof strategy !== 'object' || strategy === null) throw new InvalidArgumentError(`${type}: expected a strategy object`);
  requireFn(type, 'timestamp', strategy.timestamp);
  requireFn(type, 'watermarks', strategy.watermarks);
  if (strategy.partition !== undefined) requireFn(type, 'partition', strategy.partition);
  const idleTimeoutMs = strategy.idleTimeoutMs ?? 60_000;
  if (!(typeof idleTimeoutMs === 'number' && idleTimeoutMs > 0)) {
    throw new InvalidArgumentError(`${type}: \`idleTimeoutMs\` must be a positive number of ms or Infinity, got ${String(idleTimeoutMs)}`);
  }
  const periodMs = strategy.periodMs ?? 200;
  if (!(typeof periodMs === 'number' && Number.isFinite(periodMs) && periodMs >= 0)) {
    throw new InvalidArgumentError(`${type}: \`periodMs\` must be a non-negative number of ms, got ${String(periodMs)}`);
  }
  const { timestamp, watermarks: factory, partition: partitionOf } = strategy;
  let latest: WatermarkStats = { watermark: -Infinity, partitions: 0, idlePartitions: 0, regressions: 0 };

  const transformer = defineTransformer<T, T>(type, { periodMs, idleTimeoutMs, partitioned: partitionOf !== undefined }, strategy, (out, ctx) => {
    const stats: WatermarkStats = (latest = { watermark: -Infinity, partitions: 0, idlePartitions: 0, regressions: 0 });
    const clock = ctx.clock;
    const partitions = new Map<unknown, Partition<T>>();
    let dirty = false;
    let stopped = false;
    let cancelTick: Cancel | undefined;

    const newPartition = (): Partition<T> => {
      const p: Partition<T> = {
        wm: -Infinity,
        last: clock.now(),
        idle: false,
        gen: factory(),
        output: {
          emitWatermark(t) {
            if (typeof t !== 'number' || Number.isNaN(t) || t < p.wm) {
              stats.regressions++;
              return;
            }
            if (t > p.wm) {
              p.wm = t;
              dirty = true;
            }
          },
          markIdle() {
            if (!p.idle) {
              p.idle = true;
              stats.idlePartitions++;
              dirty = true;
            }
          },
        },
      };
      stats.partitions++;
      return p;
    };
    const single = partitionOf === undefined ? newPartition() : undefined;
    if (single) partitions.set(undefined, single);

    // True once every partition is idle and an idle watermark said so downstream.
    let idleSent = false;
    const combine = () => {
      dirty = false;
      let min = Infinity;
      let active = 0;
      for (const p of partitions.values()) {
        if (p.idle) continue;
        active++;
        if (p.wm < min) min = p.wm;
      }
      if (active === 0) {
        // The whole stream is quiet: tell downstream fan-ins not to wait for it.
        if (!idleSent && partitions.size > 0) {
          idleSent = true;
          out.next(watermark(stats.watermark, { idle: true }));
        }
        return;
      }
      if (min > stats.watermark) {
        stats.watermark = min;
        idleSent = false;
        out.next(watermark(min));
      } else if (idleSent) {
        idleSent = false;
        out.next(watermark(stats.watermark));
      }
    };

    const tickEvery = periodMs > 0 ? periodMs : Number.isFinite(idleTimeoutMs) ? idleTimeoutMs : 0;
    const tick = () => {
      if (stopped) return;
      const now = clock.now();
      for (const p of partitions.values()) {
        if (periodMs > 0) p.gen.onPeriodicEmit(p.output);
        if (!p.idle && now - p.last >= idleTimeoutMs) {
          p.idle = true;
          stats.idlePartitions++;
          dirty = true;
        }
      }
      if (dirty) combine();
      cancelTick = clock.schedule(tick, tickEvery);
    };
    if (tickEvery > 0) cancelTick = clock.schedule(tick, tickEvery);
    const stop = () => {
      stopped = true;
      cancelTick?.();
    };

    const handle = (value: T, position: number) => {
      const raw: unknown = timestamp(value);
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        throw new StreamWeaveError(`timestamp extractor returned ${describeValue(raw)}; expected a finite number of milliseconds`, {
          component: ctx.component,
          position,
        });
      }
      let p = single;
      if (p === undefined) {
        const k = partitionOf!(value);
        p = partitions.get(k);
        if (p === undefined) partitions.set(k, (p = newPartition()));
      }
      p.last = clock.now();
      if (p.idle) {
        p.idle = false;
        stats.idlePartitions--;
        dirty = true;
      }
      p.gen.onEvent(value, raw, p.output);
      ctx.stats.out++;
      out.next(value);
      if (periodMs === 0) p.gen.onPeriodicEmit(p.output);
      if (dirty) combine();
    };

    return {
      item(value, position) {
        if (stopped) return;
        for (let attempt = 1; ; attempt++) {
          try {
            handle(value, position);
            return;
          } catch (e) {
            const d = ctx.fail(e, value, position, attempt);
            if (d.action === 'stop') {
              stop();
              out.error(d.error);
              return;
            }
            if (d.action !== 'retry') return;
          }
        }
      },
      signal(s) {
        // Upstream watermarks are replaced by the generated ones, as in Flink.
        if (isWatermark(s)) return;
        if (s.kind === 'end') stop();
        out.next(s);
      },
      complete() {
        stop();
        out.complete();
      },
      teardown: stop,
    };
  });
  return Object.assign(transformer, { inspect: () => ({ ...latest }) });
}
