import type { ProcessWindowInfo } from './internal/windowEngine.js';
import { requireFn } from './internal/validate.js';
import { buildWindowOperator, type WindowOptions, type WindowTransformer } from './internal/windowOperator.js';

/** Options of {@link windowProcess}. */
export interface WindowProcessOptions<T, K, R> extends WindowOptions<T, K> {
  /** Full window function: sees every item of the window, the key and the bounds. */
  readonly process: (items: T[], info: ProcessWindowInfo<K>) => R;
}

/**
 * Windows with a full window function (Flink's `ProcessWindowFunction`): the
 * window keeps all its items and `process` sees them with the key and window
 * bounds at each firing. Prefer {@link windowAggregate} when an accumulator will do.
 *
 * @example
 * ```ts
 * windowProcess({
 *   assigner: sessionWindows(30 * 60_000), timestamp: (e) => e.ts, key: (e) => e.user,
 *   process: (events, { window }) => ({ pages: events.map((e) => e.page), minutes: (window.end - window.start) / 60_000 }),
 * });
 * ```
 * @see {@link windowAggregate}, {@link windowReduce}
 */
export function windowProcess<T, R, K = undefined>(options: WindowProcessOptions<T, K, R>): WindowTransformer<T, K, R> {
  requireFn('windowProcess', 'process', (options as Partial<WindowProcessOptions<T, K, R>> | undefined)?.process);
  return buildWindowOperator('windowProcess', options, { kind: 'process', fn: options.process });
}
