/**
 * Where a keyed operator keeps its working state while it runs (the contracts; the heap
 * store is in heapKeyedStore.ts). The default is the heap (`heapKeyedStore`); `lmdbKeyedStore` in `@streamweave/state/node` keeps it
 * in LMDB with a bounded in-heap cache, for state larger than memory, and checkpoints
 * it incrementally.
 */
import type { Clock } from '@streamweave/core';
import type { StateSnapshot } from './backends/stateBackend.js';

/** What a store is told when an operator opens it. */
export interface KeyedStateStoreInit {
  /** Stable id of the operator (its node id): the store keeps each operator's state apart under it. */
  readonly operatorId: string;
  /** The run's clock (TTL is counted on it). */
  readonly clock: Clock;
  /** Declared state names and their TTL in ms (`undefined`: no TTL). */
  readonly ttl: ReadonlyMap<string, number | undefined>;
}

/** The checkpoint a snapshot is taken for. */
export interface SnapshotRequest {
  /** Checkpoint id, or `'end'` at end of input (the final checkpoint; its id is told later by `notifyComplete`). */
  readonly checkpointId: number | 'end';
  /** True for a savepoint: the snapshot must then be self-contained (every entry inline). */
  readonly savepoint: boolean;
}

/**
 * The working state of one keyed operator during one run: state name → current key → value.
 * State primitives read and write the current key's values through it. Implement it only
 * for a custom store; operators get one from a `KeyedStateStoreFactory`.
 *
 * @example
 * ```ts
 * const store = heapKeyedStore().open({ operatorId: 'count', clock: systemClock, ttl: new Map([['n', undefined]]) });
 * store.restore(undefined);
 * store.currentKey = '"a"';
 * store.set('n', 1);
 * ```
 * @see `KeyedStateStoreFactory` in `@streamweave/state`
 */
export interface KeyedStateStore {
  /** JSON of the key being processed; every read and write below is scoped to it. */
  currentKey: string;
  /** True when the current key has a live (not expired) value of state `name`. */
  has(name: string): boolean;
  /** The current key's live value of state `name`, or `undefined`. */
  get(name: string): unknown;
  /** Replaces the current key's value of state `name` (its write time is `clock.now()`). */
  set(name: string, value: unknown): void;
  /** Removes the current key's value of state `name`. */
  delete(name: string): void;
  /**
   * Called once before any access: loads `snapshot` (what an earlier `snapshot()` call
   * returned, or `undefined` to start empty). Returns the entries it does not own (the
   * operator's timers) and state names the snapshot holds but the operator no longer declares.
   */
  restore(snapshot: StateSnapshot | undefined): { extra: Map<string, string>; unknown: Set<string> };
  /**
   * Captures the state at a checkpoint barrier. Must fix the cut synchronously (later writes
   * may not leak into it); the returned promise may finish persisting it. `extra` entries
   * (timers) are included as they are.
   */
  snapshot(at: SnapshotRequest, extra: StateSnapshot): StateSnapshot | Promise<StateSnapshot>;
  /** Checkpoint `checkpointId` is complete and durable. */
  notifyComplete?(checkpointId: number): void | Promise<void>;
  /** The checkpoints storage still holds after retention (ascending): what the store must keep restorable. */
  notifyRetained?(checkpointIds: readonly number[]): void | Promise<void>;
  /** The run is over: release what this operator held (the factory may stay open). */
  close?(): void;
}

/**
 * Opens a `KeyedStateStore` per keyed operator and run: pass one as `store` to
 * `keyedProcess` (or to the aggregation patterns).
 *
 * @example
 * ```ts
 * keyedProcess({ keyBy: (x: string) => x, store: heapKeyedStore(), processElement() {} }, { name: 'p' });
 * ```
 * @see `heapKeyedStore` in `@streamweave/state`
 */
export interface KeyedStateStoreFactory {
  /** Short name (`heap`, `lmdb`), shown in the operator's description. */
  readonly kind: string;
  /** Opens the store of one operator for one run. */
  open(init: KeyedStateStoreInit): KeyedStateStore;
}
