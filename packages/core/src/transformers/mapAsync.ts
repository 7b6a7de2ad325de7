import type { NodeOptions, Transformer } from '../contracts.js';
import { requireFunction, requirePositiveInteger } from '../errors.js';
import { asyncStage } from '../internal/asyncStage.js';
import { defineTransformer } from '../internal/define.js';

/** Options of {@link mapAsync}. */
export interface MapAsyncOptions extends NodeOptions {
  /** Calls in flight at once (default 1). */
  readonly concurrency?: number;
  /** Keep input order in the output (default true). Unordered output never lets an item overtake a signal. */
  readonly ordered?: boolean;
}

/**
 * Applies an async function to every item with bounded concurrency. Each item in
 * flight holds a backpressure credit, so a slow `fn` slows the source. Failures
 * go through the error strategy; retries wait with exponential backoff.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray(ids)).pipe(mapAsync((id) => fetchUser(id), { concurrency: 8 })).to(collect());
 * ```
 * @see {@link map}, {@link retry}, {@link circuitBreaker}
 */
export function mapAsync<I, O>(
  fn: (item: I, position: number) => Promise<O> | O,
  options: MapAsyncOptions = {},
): Transformer<I, O> {
  requireFunction('mapAsync', 'fn', fn);
  const concurrency = options.concurrency ?? 1;
  requirePositiveInteger('mapAsync', 'concurrency', concurrency, true);
  const ordered = options.ordered ?? true;
  return defineTransformer<I, O>('mapAsync', { fn, concurrency, ordered }, options, (out, ctx) =>
    asyncStage<I, O>(out, ctx, { concurrency, ordered }, async (value, position) => fn(value, position)),
  );
}
