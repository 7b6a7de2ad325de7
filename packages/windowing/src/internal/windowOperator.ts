/** Builds the single-port transformer and the `out` + `late` multi-port node around the window engine. */
import type { Element, MultiPortTransformer, NodeContext, NodeOptions, Transformer } from '@streamweave/core';
import { defineTransformer, describeNode, InvalidArgumentError, isSignal } from '@streamweave/core';
import { stateRuntimeOf } from '@streamweave/state';
import { Observable, Subject } from 'rxjs';
import type { WindowAssigner } from '../assigners/windowAssigner.js';
import type { Evictor } from '../evictors/evictor.js';
import { heapWindowState, type WindowStateBackend } from '../state/windowState.js';
import type { Trigger } from '../triggers/trigger.js';
import type { WindowResult } from '../windows.js';
import {
  type LateItemInfo,
  startWindowEngine,
  type WindowEngineConfig,
  type WindowFunctionSpec,
  type WindowOperatorStats,
} from './windowEngine.js';
import { canSlice, startSlicedEngine } from './slicedSlidingEngine.js';
import { requireFn, requireNonNegativeMs, requireTrigger } from './validate.js';

/**
 * Name under which a run's `extensions` may carry a {@link WindowStateBackend}
 * for every window operator of the run (the state package will register its
 * checkpointed backend here).
 *
 * @example
 * ```ts
 * await p.run({ extensions: { [windowStateExtension]: heapWindowState() } });
 * ```
 * @see {@link WindowStateBackend}
 */
export const windowStateExtension = '@streamweave/windowing/state';

/** Options shared by {@link windowAggregate}, {@link windowReduce} and {@link windowProcess}. */
export interface WindowOptions<T, K> extends NodeOptions {
  /** Which windows an item belongs to. */
  readonly assigner: WindowAssigner<T>;
  /** Key selector for keyed windows (one set of windows per key); omit for non-keyed windows. */
  readonly key?: (item: T) => K;
  /** Event-time extractor (ms); required by event-time assigners. */
  readonly timestamp?: (item: T) => number;
  /** Replaces the assigner's default trigger. */
  readonly trigger?: Trigger<T>;
  /** Evicts items before/after the window function (the window then keeps its items). */
  readonly evictor?: Evictor<T>;
  /** How long after its end (event time) a window still accepts late items and re-fires. Default 0. */
  readonly allowedLateness?: number;
  /** After a firing, keep the contents (`accumulating`, default, Flink's FIRE) or drop them (`discarding`). */
  readonly accumulation?: 'accumulating' | 'discarding';
  /** Receives items later than the allowed lateness (pipelines); graphs can use `withLateOutput()` instead. */
  readonly lateData?: (item: T, info: LateItemInfo) => void;
  /** Keyed-state backend (default: run extension {@link windowStateExtension}, else heap maps). */
  readonly state?: WindowStateBackend;
  /**
   * Sliding windows with an aggregate that has `merge`, the default trigger and
   * no evictor are computed by slices (one accumulator per slide, merged at firing)
   * unless this is false. Results are the same; only the cost differs. Default true.
   */
  readonly slicing?: boolean;
}

/**
 * A window operator: a transformer emitting {@link WindowResult}s, which can also
 * be used as a graph node with a `late` output port, and inspected.
 */
export interface WindowTransformer<T, K, R> extends Transformer<T, WindowResult<K, R>> {
  /**
   * The same operator as a graph node with ports `in` → `out` (window results)
   * and `late` (items later than the allowed lateness, Flink's side output).
   */
  withLateOutput(): MultiPortTransformer<{ in: T }, { out: WindowResult<K, R>; late: T }>;
  /** Counters of the latest run (open windows, keys, firings, late items…). */
  inspect(): Readonly<WindowOperatorStats>;
}

const freshStats = (): WindowOperatorStats => ({
  openWindows: 0,
  keys: 0,
  firings: 0,
  lateItems: 0,
  unassignedItems: 0,
  discardedAtEnd: 0,
  watermark: -Infinity,
  watermarkRegressions: 0,
});

/** Validates options and builds the operator. @internal */
export function buildWindowOperator<T, K, R>(
  type: string,
  options: WindowOptions<T, K>,
  fn: WindowFunctionSpec<T, K, R>,
): WindowTransformer<T, K, R> {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(`${type}: expected an options object`);
  const assigner = options.assigner;
  if (typeof assigner !== 'object' || assigner === null || typeof assigner.assignWindows !== 'function') {
    throw new InvalidArgumentError(`${type}: \`assigner\` must be a window assigner (tumblingWindows(), sessionWindows()…)`);
  }
  if (options.key !== undefined) requireFn(type, 'key', options.key);
  if (assigner.isEventTime) {
    if (options.timestamp === undefined) {
      throw new InvalidArgumentError(`${type}: event-time ${assigner.type} windows need a \`timestamp\` extractor (or use { time: 'processing' })`);
    }
    requireFn(type, 'timestamp', options.timestamp);
  }
  const allowedLateness = options.allowedLateness ?? 0;
  requireNonNegativeMs(type, 'allowedLateness', allowedLateness);
  const trigger = options.trigger ?? assigner.defaultTrigger();
  requireTrigger(type, trigger);
  if (assigner.isMerging && !(trigger.canMerge?.() === true && typeof trigger.onMerge === 'function')) {
    throw new InvalidArgumentError(`${type}: merging (${assigner.type}) windows need a trigger that can merge (canMerge() and onMerge())`);
  }
  if (assigner.isMerging && fn.kind === 'aggregate' && typeof fn.fn.merge !== 'function' && options.evictor === undefined) {
    throw new InvalidArgumentError(`${type}: merging (${assigner.type}) windows need an aggregate function with merge()`);
  }
  const accumulation = options.accumulation ?? 'accumulating';
  if (accumulation !== 'accumulating' && accumulation !== 'discarding') {
    throw new InvalidArgumentError(`${type}: \`accumulation\` must be 'accumulating' or 'discarding', got ${String(accumulation)}`);
  }
  if (options.lateData !== undefined) requireFn(type, 'lateData', options.lateData);
  const evictor = options.evictor ?? assigner.defaultEvictor?.();
  const params = {
    assigner: assigner.type,
    ...(assigner.params ?? {}),
    keyed: options.key !== undefined,
    allowedLateness,
    accumulation,
    trigger: options.trigger ? 'custom' : 'default',
    evictor: evictor ? 'yes' : 'no',
    slicing: options.slicing !== false,
  };
  const baseConfig = {
    assigner,
    trigger,
    evictor,
    key: options.key,
    timestamp: options.timestamp,
    allowedLateness,
    discarding: accumulation === 'discarding',
    fn,
  };
  const configFor = (ctx: NodeContext): WindowEngineConfig<T, K, R> => ({
    ...baseConfig,
    state: options.state ?? (ctx.extensions[windowStateExtension] as WindowStateBackend | undefined) ?? heapWindowState(),
  });
  const sliced = options.slicing !== false && canSlice({ ...baseConfig, state: heapWindowState() }, options.trigger === undefined);
  // The sliced engine keeps panes, not windows, and does not snapshot them: under a
  // checkpoint coordinator the general engine (same results) runs instead.
  const start = (ctx: NodeContext) => (sliced && stateRuntimeOf(ctx) === undefined ? startSlicedEngine : startWindowEngine);
  let latest = freshStats();
  const lateCallback = options.lateData;

  const transformer = defineTransformer<T, WindowResult<K, R>>(type, params, options, (out, ctx) => {
    const stats = (latest = freshStats());
    const engine = start(ctx)(configFor(ctx), ctx, {
      result(r) {
        ctx.stats.out++;
        out.next(r);
      },
      late: (item, info) => lateCallback?.(item, info),
      signal: (s) => out.next(s),
      error: (e) => out.error(e),
    }, stats);
    return {
      item: engine.item,
      signal: engine.signal,
      complete() {
        engine.finish();
        out.complete();
      },
      teardown: engine.teardown,
    };
  });

  const withLateOutput = (): MultiPortTransformer<{ in: T }, { out: WindowResult<K, R>; late: T }> => {
    const d = describeNode('transformer', type, params, options);
    return {
      descriptor: { ...d, inputs: ['in'], outputs: ['out', 'late'] },
      ...(options.errors ? { errors: options.errors } : {}),
      applyPorts(inputs, ctx) {
        const late = new Subject<Element<T>>();
        const main = new Observable<Element<WindowResult<K, R>>>((out) => {
          const stats = (latest = freshStats());
          const engine = start(ctx)(configFor(ctx), ctx, {
            result(r) {
              ctx.stats.out++;
              out.next(r);
            },
            late(item, info) {
              lateCallback?.(item, info);
              late.next(item);
            },
            signal(s) {
              out.next(s);
              late.next(s);
            },
            error(e) {
              out.error(e);
              late.error(e);
            },
          }, stats);
          const sub = inputs.in.subscribe({
            next(el) {
              if (isSignal(el)) engine.signal(el);
              else engine.item(el, ctx.stats.in++);
            },
            error(e: unknown) {
              out.error(e);
              late.error(e);
            },
            complete() {
              engine.finish();
              out.complete();
              late.complete();
            },
          });
          return () => {
            sub.unsubscribe();
            engine.teardown();
          };
        });
        return { out: main, late: late.asObservable() };
      },
    };
  };

  return Object.assign(transformer, { withLateOutput, inspect: () => ({ ...latest }) });
}
