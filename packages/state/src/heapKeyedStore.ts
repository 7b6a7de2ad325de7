/** The default keyed working store: the heap. */
import { KeyedStore } from './internal/keyedStore.js';
import type { KeyedStateStoreFactory } from './keyedStateStore.js';

/**
 * Keyed working state on the heap (like Flink's HashMapStateBackend): the fastest, and the
 * default. Every snapshot is full (each live entry, serialized synchronously at the barrier),
 * so state must fit in memory. Browser-safe.
 *
 * @example
 * ```ts
 * keyedCount({ keyBy: (e: Click) => e.page, store: heapKeyedStore(), name: 'views' });
 * ```
 * @see {@link KeyedStateStoreFactory}, `lmdbKeyedStore` in `@streamweave/state/node` for larger-than-memory state
 */
export function heapKeyedStore(): KeyedStateStoreFactory {
  return heapFactory;
}

const heapFactory: KeyedStateStoreFactory = {
  kind: 'heap',
  open: (init) => new KeyedStore(init.clock, init.ttl, init.operatorId),
};
