/** The heap store behind keyed state: state name → key → value, with TTL and snapshot/restore. */
import type { Clock } from '@streamweave/core';
import type { StateSnapshot } from '../backends/stateBackend.js';
import { StateMismatchError } from '../errors.js';
import type { KeyedStateStore } from '../keyedStateStore.js';

interface Entry {
  v: unknown;
  /** Last write time, for TTL; 0 for states without TTL (reading the clock on every write is not free). */
  t: number;
}

interface Table {
  readonly ttl: number | undefined;
  readonly map: Map<string, Entry>;
}

/** Key of the timers entry in a snapshot (never a state name: names cannot contain NUL). */
export const timersEntry = '\u0000timers';

/** Key of the manifest entry of an incremental (LMDB working store) snapshot. */
export const manifestEntry = '\u0000lmdb-keyed-store';

/** Splits a snapshot key `name\0keyJson`; `undefined` for entries that are not state (timers, manifests). */
export function splitEntryKey(k: string): [string, string] | undefined {
  const sep = k.indexOf('\u0000');
  return sep <= 0 ? undefined : [k.slice(0, sep), k.slice(sep + 1)];
}

/**
 * The write time to use for a restored entry: a state that gained a TTL since the snapshot
 * has entries without a write time (0); they count as written at restore.
 */
export function restoredTime(ttl: number | undefined, t: number, clock: Clock): number {
  if (ttl === undefined) return 0;
  return t === 0 ? clock.now() : t;
}

export class KeyedStore implements KeyedStateStore {
  /** JSON of the key being processed. */
  currentKey = '';
  private readonly tables = new Map<string, Table>();
  // The entry last found or written: a read-modify-write (`value()` then `update()`) looks it up once.
  private lastName = '';
  private lastKey = '';
  private lastTable: Table | undefined;
  private lastEntry: Entry | undefined;

  constructor(
    private readonly clock: Clock,
    ttl: ReadonlyMap<string, number | undefined>,
    private readonly operatorId = '',
  ) {
    for (const [name, t] of ttl) this.tables.set(name, { ttl: t, map: new Map() });
  }

  /** The current key's entry of `name` and its table, through the one-entry memo. */
  private find(name: string): [Table, Entry | undefined] {
    if (this.lastEntry !== undefined && name === this.lastName && this.currentKey === this.lastKey) return [this.lastTable!, this.lastEntry];
    const table = this.tables.get(name)!;
    const e = table.map.get(this.currentKey);
    if (e !== undefined) this.remember(name, table, e);
    return [table, e];
  }

  private remember(name: string, table: Table, e: Entry): void {
    this.lastName = name;
    this.lastKey = this.currentKey;
    this.lastTable = table;
    this.lastEntry = e;
  }

  /** The current key's live entry of `name` (an expired one is dropped). */
  private entry(name: string): Entry | undefined {
    const [table, e] = this.find(name);
    if (e === undefined || table.ttl === undefined || this.clock.now() - e.t < table.ttl) return e;
    table.map.delete(this.currentKey);
    this.lastEntry = undefined;
    return undefined;
  }

  has(name: string): boolean {
    return this.entry(name) !== undefined;
  }

  get(name: string): unknown {
    return this.entry(name)?.v;
  }

  set(name: string, v: unknown): void {
    const [table, e] = this.find(name);
    const t = table.ttl === undefined ? 0 : this.clock.now();
    if (e === undefined) {
      const created = { v, t };
      table.map.set(this.currentKey, created);
      this.remember(name, table, created);
    } else {
      e.v = v;
      e.t = t;
    }
  }

  delete(name: string): void {
    this.tables.get(name)!.map.delete(this.currentKey);
    this.lastEntry = undefined;
  }

  /** Serializes every live entry: `name\0keyJson` → `[value, writeTime]` JSON. */
  snapshot(_at: unknown, extra: StateSnapshot): StateSnapshot {
    const out: Array<readonly [string, string]> = [];
    const now = this.clock.now();
    for (const [name, { ttl, map }] of this.tables) {
      for (const [key, e] of map) {
        if (ttl === undefined || now - e.t < ttl) out.push([`${name}\u0000${key}`, JSON.stringify([e.v, e.t])]);
      }
    }
    for (const x of extra) out.push(x);
    return out;
  }

  /** Loads a snapshot; returns entries this store does not own (timers), and the unknown state names. */
  restore(snapshot: StateSnapshot | undefined): { extra: Map<string, string>; unknown: Set<string> } {
    const extra = new Map<string, string>();
    const unknown = new Set<string>();
    this.lastEntry = undefined;
    for (const [k, v] of snapshot ?? []) {
      const split = splitEntryKey(k);
      if (!split) {
        if (k === manifestEntry) {
          throw new StateMismatchError(
            'the checkpoint was taken with an LMDB working store (lmdbKeyedStore): restore it with that store, or from a savepoint',
            this.operatorId,
          );
        }
        extra.set(k, v);
        continue;
      }
      const table = this.tables.get(split[0]);
      if (!table) {
        unknown.add(split[0]);
        continue;
      }
      const [value, t] = JSON.parse(v) as [unknown, number];
      table.map.set(split[1], { v: value, t: restoredTime(table.ttl, t, this.clock) });
    }
    return { extra, unknown };
  }
}
