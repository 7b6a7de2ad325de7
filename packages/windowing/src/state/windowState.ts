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
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
  delete(key: K): boolean;
  clear(): void;
  readonly size: number;
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
