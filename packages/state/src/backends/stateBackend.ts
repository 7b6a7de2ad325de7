/**
 * The contract every state backend implements. Operators keep their working
 * state on the heap; at a checkpoint barrier they serialize it (synchronously,
 * so the cut is exact) and the coordinator writes it to the backend
 * asynchronously, while processing continues.
 */

/** One operator's serialized state: key/value string pairs. */
export type StateSnapshot = ReadonlyArray<readonly [string, string]>;

/**
 * Durable store of operator snapshots, addressed by checkpoint id and operator id.
 *
 * @example
 * ```ts
 * const backend: StateBackend = memoryBackend();
 * await backend.write(1, 'counts', [['a', '1']]);
 * ```
 * @see `memoryBackend` in `@streamweave/state`
 */
export interface StateBackend {
  /** Short name, recorded in checkpoint metadata (`memory`, `lmdb`, `redis`, `sql`). */
  readonly name: string;
  /** Stores `snapshot` of `operatorId` for `checkpointId`, replacing any earlier write of the same pair. */
  write(checkpointId: number, operatorId: string, snapshot: StateSnapshot): Promise<void>;
  /** Reads what `write` stored, or `undefined`. */
  read(checkpointId: number, operatorId: string): Promise<StateSnapshot | undefined>;
  /** Deletes every snapshot of `checkpointId` (retention). */
  discard(checkpointId: number): Promise<void>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}
