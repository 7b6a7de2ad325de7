import type { StateBackend, StateSnapshot } from './stateBackend.js';

/**
 * A state backend that keeps snapshots in memory. Browser-safe; the default in tests.
 * It survives a failed run inside the same process, not a process crash: use the
 * LMDB backend (`@streamweave/state/node`) for real runs.
 *
 * @example
 * ```ts
 * const coordinator = new CheckpointCoordinator({ backend: memoryBackend(), storage: memoryCheckpointStorage() });
 * ```
 * @see {@link StateBackend}
 */
export function memoryBackend(): StateBackend {
  const snapshots = new Map<number, Map<string, StateSnapshot>>();
  return {
    name: 'memory',
    async write(checkpointId, operatorId, snapshot) {
      let byOp = snapshots.get(checkpointId);
      if (!byOp) snapshots.set(checkpointId, (byOp = new Map()));
      byOp.set(operatorId, snapshot.map(([k, v]) => [k, v] as const));
    },
    async read(checkpointId, operatorId) {
      return snapshots.get(checkpointId)?.get(operatorId);
    },
    async discard(checkpointId) {
      snapshots.delete(checkpointId);
    },
    async close() {},
  };
}
