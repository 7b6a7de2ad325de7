/**
 * Keyed state primitives (Flink's ValueState, ListState, MapState, ReducingState,
 * AggregatingState). Declare them in a {@link keyedProcess} function's `state`;
 * inside `processElement` each one reads and writes the current key's value.
 * Values must be JSON-serializable: they are snapshotted as JSON at barriers.
 */
import { InvalidArgumentError } from '@streamweave/core';
import type { KeyedStateStore } from './keyedStateStore.js';

/** Options every state primitive accepts. */
export interface StateOptions {
  /** Time to live in ms, counted from the last write (by `ctx.clock`); expired values read as absent and are not snapshotted. */
  readonly ttlMs?: number;
}

/** A single value per key. @see {@link valueState} */
export interface ValueState<T> {
  /** The current key's value, or the default / `undefined`. */
  value(): T | undefined;
  /** Replaces the current key's value. */
  update(value: T): void;
  /** Removes the current key's value. */
  clear(): void;
}

/** A list per key. @see {@link listState} */
export interface ListState<T> {
  /** The current key's items (empty when none). */
  get(): readonly T[];
  /** Appends one item. */
  add(value: T): void;
  /** Replaces the list. */
  update(values: readonly T[]): void;
  /** Removes the list. */
  clear(): void;
}

/** A map per key (string user keys). @see {@link mapState} */
export interface MapState<V> {
  /** Value of `userKey`. */
  get(userKey: string): V | undefined;
  /** Sets `userKey`. */
  put(userKey: string, value: V): void;
  /** True when `userKey` is set. */
  has(userKey: string): boolean;
  /** Removes `userKey`. */
  remove(userKey: string): void;
  /** Entries of the current key's map. */
  entries(): Array<[string, V]>;
  /** Number of entries. */
  size(): number;
  /** Removes the whole map. */
  clear(): void;
}

/** A value folded with a reduce function as items are added. @see {@link reducingState} */
export interface ReducingState<T> {
  /** The reduced value, or `undefined` when nothing was added. */
  get(): T | undefined;
  /** Folds `value` into the state. */
  add(value: T): void;
  /** Removes the value. */
  clear(): void;
}

/** An accumulator folded with an aggregate function; reads give its result. @see {@link aggregatingState} */
export interface AggregatingState<In, Out> {
  /** The aggregate's result, or `undefined` when nothing was added. */
  get(): Out | undefined;
  /** Adds `value` to the accumulator. */
  add(value: In): void;
  /** Removes the accumulator. */
  clear(): void;
}

/** How a state primitive is declared. @internal accessors are built by the operator. */
export interface StateDescriptor<A> {
  /** Primitive kind. */
  readonly kind: 'value' | 'list' | 'map' | 'reducing' | 'aggregating';
  /** Options. */
  readonly options: StateOptions;
  /** Builds the accessor bound to `store`'s current key. @internal */
  bind(store: KeyedStateStore, name: string): A;
}

/** A record of named state declarations. */
export type StateDescriptors = Readonly<Record<string, StateDescriptor<unknown>>>;

/** Accessors for a record of declarations. */
export type StateAccessors<S extends StateDescriptors> = { readonly [K in keyof S]: S[K] extends StateDescriptor<infer A> ? A : never };

function checkOptions(kind: string, options: StateOptions): StateOptions {
  if (options.ttlMs !== undefined && !(options.ttlMs > 0)) {
    throw new InvalidArgumentError(`${kind}: ttlMs must be a positive number, got ${String(options.ttlMs)}`);
  }
  return options;
}

/**
 * Declares a {@link ValueState}.
 *
 * @example
 * ```ts
 * keyedProcess({ keyBy: (e: Click) => e.user, state: { count: valueState<number>({ defaultValue: 0 }) },
 *   processElement(e, ctx) { ctx.state.count.update(ctx.state.count.value()! + 1); } });
 * ```
 * @see {@link listState}, {@link mapState}
 */
export function valueState<T>(options: StateOptions & { readonly defaultValue?: T } = {}): StateDescriptor<ValueState<T>> {
  checkOptions('valueState', options);
  return {
    kind: 'value',
    options,
    bind: (store, name) => ({
      value: () => (store.get(name) as T | undefined) ?? options.defaultValue,
      update: (v) => store.set(name, v),
      clear: () => store.delete(name),
    }),
  };
}

/**
 * Declares a {@link ListState}.
 *
 * @example
 * ```ts
 * const recent = listState<number>({ ttlMs: 60_000 });
 * ```
 * @see {@link valueState}
 */
export function listState<T>(options: StateOptions = {}): StateDescriptor<ListState<T>> {
  checkOptions('listState', options);
  return {
    kind: 'list',
    options,
    bind: (store, name) => ({
      get: () => (store.get(name) as T[] | undefined) ?? [],
      add: (v) => {
        const list = store.get(name) as T[] | undefined;
        store.set(name, list ? [...list, v] : [v]);
      },
      update: (vs) => store.set(name, [...vs]),
      clear: () => store.delete(name),
    }),
  };
}

/**
 * Declares a {@link MapState}.
 *
 * @example
 * ```ts
 * const perPage = mapState<number>();
 * ```
 * @see {@link valueState}
 */
export function mapState<V>(options: StateOptions = {}): StateDescriptor<MapState<V>> {
  checkOptions('mapState', options);
  return {
    kind: 'map',
    options,
    bind: (store, name) => {
      const current = () => (store.get(name) as Record<string, V> | undefined) ?? {};
      return {
        get: (k) => (Object.prototype.hasOwnProperty.call(current(), k) ? current()[k] : undefined),
        put: (k, v) => store.set(name, { ...current(), [k]: v }),
        has: (k) => Object.prototype.hasOwnProperty.call(current(), k),
        remove: (k) => {
          const { [k]: _gone, ...rest } = current();
          if (Object.keys(rest).length === 0) store.delete(name);
          else store.set(name, rest);
        },
        entries: () => Object.entries(current()),
        size: () => Object.keys(current()).length,
        clear: () => store.delete(name),
      };
    },
  };
}

/**
 * Declares a {@link ReducingState}.
 *
 * @example
 * ```ts
 * const max = reducingState((a: number, b: number) => Math.max(a, b));
 * ```
 * @see {@link aggregatingState}
 */
export function reducingState<T>(reduce: (acc: T, value: T) => T, options: StateOptions = {}): StateDescriptor<ReducingState<T>> {
  if (typeof reduce !== 'function') throw new InvalidArgumentError(`reducingState: \`reduce\` must be a function, got ${typeof reduce}`);
  checkOptions('reducingState', options);
  return {
    kind: 'reducing',
    options,
    bind: (store, name) => ({
      get: () => store.get(name) as T | undefined,
      add: (v) => {
        const has = store.has(name);
        store.set(name, has ? reduce(store.get(name) as T, v) : v);
      },
      clear: () => store.delete(name),
    }),
  };
}

/** An aggregate function for {@link aggregatingState} (and the aggregation patterns). */
export interface AggregateFunction<In, Acc, Out> {
  /** A fresh accumulator. */
  create(): Acc;
  /** Folds a value into the accumulator (may return a new one). */
  add(acc: Acc, value: In): Acc;
  /** The result of an accumulator. */
  result(acc: Acc): Out;
}

/**
 * Declares an {@link AggregatingState}.
 *
 * @example
 * ```ts
 * const avg = aggregatingState({ create: () => [0, 0], add: ([s, n], v: number) => [s + v, n + 1], result: ([s, n]) => s / n });
 * ```
 * @see {@link reducingState}
 */
export function aggregatingState<In, Acc, Out>(fn: AggregateFunction<In, Acc, Out>, options: StateOptions = {}): StateDescriptor<AggregatingState<In, Out>> {
  if (!fn || typeof fn.create !== 'function' || typeof fn.add !== 'function' || typeof fn.result !== 'function') {
    throw new InvalidArgumentError('aggregatingState: expected an aggregate function with create, add and result');
  }
  checkOptions('aggregatingState', options);
  return {
    kind: 'aggregating',
    options,
    bind: (store, name) => ({
      get: () => (store.has(name) ? fn.result(store.get(name) as Acc) : undefined),
      add: (v) => store.set(name, fn.add(store.has(name) ? (store.get(name) as Acc) : fn.create(), v)),
      clear: () => store.delete(name),
    }),
  };
}
