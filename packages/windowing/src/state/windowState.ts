/**
 * The keyed-state seam of the window operators. Window state is kept per key
 * behind this small interface so that a checkpointed backend (the state
 * package) can replace the default heap maps without touching the operators.
 */

/**
 * A map from key to that key's window state. `Map` implements it.
 *
 * @example
 * ```ts
 * const store: KeyedWindowStore<string, number> = new Map();
 * ```
 * @see {@link WindowStateBackend}
 */
export interface KeyedWindowStore<K, V> {
  /** Returns the state of `key`, or undefined when it has none. */
  get(key: K): V | undefined;
  /** Stores `value` as the state of `key`. */
  set(key: K, value: V): unknown;
  /** Removes the state of `key`; true when it had one. */
  delete(key: K): boolean;
  /** Removes the state of every key. */
  clear(): void;
  /** Number of keys with state. */
  readonly size: number;
  /** Iterates over the state of every key. */
  values(): IterableIterator<V>;
}

/**
 * Creates the keyed stores of one window operator run. Pass one as the
 * operator's `state` option; the default keeps state on the heap.
 *
 * @example
 * ```ts
 * const backend: WindowStateBackend = { keyed: () => new Map() };
 * windowAggregate({ ..., state: backend });
 * ```
 * @see {@link heapWindowState}
 */
export interface WindowStateBackend {
  /** A store for state `name` of operator `operatorId`. */
  keyed<K, V>(operatorId: string, name: string): KeyedWindowStore<K, V>;
}

/**
 * The default backend: plain heap `Map`s, not checkpointed.
 *
 * @example
 * ```ts
 * windowAggregate({ ..., state: heapWindowState() });
 * ```
 * @see {@link WindowStateBackend}
 */
export function heapWindowState(): WindowStateBackend {
  return { keyed: <K, V>() => new Map<K, V>() };
}
