import { open, type RootDatabase } from 'lmdb';
import type { StateBackend, StateSnapshot } from '../../backends/stateBackend.js';

/** Options of {@link lmdbBackend}. */
export interface LmdbBackendOptions {
  /** Directory (or file) of the LMDB environment. */
  readonly path: string;
}

/**
 * Embedded, durable state backend on LMDB (the `lmdb` package: prebuilt, memory-mapped,
 * crash-safe). The default for real runs on one machine: no server needed.
 *
 * @example
 * ```ts
 * const coordinator = new CheckpointCoordinator({ backend: lmdbBackend({ path: './state' }), storage: localCheckpointStorage('./checkpoints') });
 * ```
 * @see {@link redisBackend}, {@link sqlBackend}, `memoryBackend` in `@streamweave/state`
 */
export function lmdbBackend(options: LmdbBackendOptions): StateBackend & { readonly db: RootDatabase } {
  const db: RootDatabase = open({ path: options.path, encoding: 'json' });
  return {
    name: 'lmdb',
    db,
    async write(checkpointId, operatorId, snapshot) {
      await db.put([checkpointId, operatorId], snapshot);
    },
    async read(checkpointId, operatorId) {
      return db.get([checkpointId, operatorId]) as StateSnapshot | undefined;
    },
    async discard(checkpointId) {
      await db.transaction(() => {
        for (const key of db.getKeys({ start: [checkpointId], end: [checkpointId + 1] })) db.remove(key);
      });
    },
    async close() {
      await db.close();
    },
  };
}
