/**
 * Storage of sorted runs for {@link externalSort}. Core ships the in-memory
 * store (browser-safe, for tests and small inputs); `@streamweave/core/node`
 * ships `fileRunStore`, which spills runs to disk.
 */

/**
 * Where an external sort keeps its sorted runs. A run is written once, then
 * read back once, in order, in batches.
 *
 * @example
 * ```ts
 * const store: SortRunStore<number> = memoryRunStore();
 * const id = await store.writeRun([1, 2, 3]);
 * for await (const batch of store.readRun(id)) console.log(batch);
 * ```
 * @see `externalSort` and `memoryRunStore` in `@streamweave/core`
 */
export interface SortRunStore<T> {
  /** Stores a sorted run; resolves to its id. */
  writeRun(items: readonly T[]): Promise<number>;
  /** Reads a run back in order, in batches. */
  readRun(id: number): AsyncIterable<readonly T[]>;
  /** Deletes every run (called when the sort ends, fails or is cancelled). */
  dispose(): Promise<void>;
}

/**
 * An in-memory {@link SortRunStore}: no disk, no bound. For tests, browsers and
 * inputs that fit in memory anyway.
 *
 * @example
 * ```ts
 * externalSort({ maxItemsInMemory: 1000, store: () => memoryRunStore() });
 * ```
 * @see {@link externalSort}
 */
export function memoryRunStore<T>(batchSize = 1024): SortRunStore<T> {
  const runs = new Map<number, readonly T[]>();
  let next = 0;
  return {
    writeRun(items) {
      const id = next++;
      runs.set(id, items.slice());
      return Promise.resolve(id);
    },
    async *readRun(id) {
      const run = runs.get(id) ?? [];
      for (let i = 0; i < run.length; i += batchSize) yield run.slice(i, i + batchSize);
      runs.delete(id);
    },
    dispose() {
      runs.clear();
      return Promise.resolve();
    },
  };
}
