import { InvalidArgumentError, type NodeOptions } from '@streamweave/core';
import { keyedOperator, type KeyValue, type StatefulTransformer } from './keyedProcess.js';
import { valueState } from './keyedState.js';
import type { KeyedStateStoreFactory } from './keyedStateStore.js';

/** Options of {@link deduplicate}. */
export interface DeduplicateOptions<T> extends NodeOptions {
  /** The identity of an item: items with the same id are duplicates. */
  readonly id: (item: T) => KeyValue;
  /** How long an id is remembered, in ms of processing time (`ctx.clock`). */
  readonly ttlMs: number;
  /** Where the seen-set lives (default: the heap; `lmdbKeyedStore` for a seen-set larger than memory). */
  readonly store?: KeyedStateStoreFactory;
}

/**
 * Drops repeated items from an at-least-once input (a redelivered message, a
 * replayed request): the first item of each id passes, later ones within `ttlMs`
 * are dropped. The seen-set is keyed state with TTL, so it is checkpointed and
 * restored with the rest of the job, and it expires instead of growing forever.
 *
 * @example
 * ```ts
 * pipeline().from(kafkaSource).pipe(deduplicate({ id: (m: Msg) => m.messageId, ttlMs: 3_600_000, name: 'dedup' })).to(sink);
 * ```
 * @see {@link idempotentSink}, {@link keyedProcess}
 */
export function deduplicate<T>(options: DeduplicateOptions<T>): StatefulTransformer<T, T> {
  if (!options || typeof options.id !== 'function') throw new InvalidArgumentError('deduplicate: `id` must be a function');
  if (!(typeof options.ttlMs === 'number' && options.ttlMs > 0)) {
    throw new InvalidArgumentError(`deduplicate: ttlMs must be a positive number, got ${String(options.ttlMs)}`);
  }
  const state = { seen: valueState<1>({ ttlMs: options.ttlMs }) };
  return keyedOperator<T, T, KeyValue, typeof state>(
    'deduplicate',
    {
      keyBy: options.id,
      state,
      processElement(item, ctx) {
        if (ctx.state.seen.value() !== undefined) return;
        ctx.state.seen.update(1);
        ctx.emit(item);
      },
    },
    options,
    { id: options.id, ttlMs: options.ttlMs },
  );
}
