/** The heap store behind keyed state: state name → key → value, with TTL and snapshot/restore. */
import type { Clock } from '@streamweave/core';
import type { StateSnapshot } from '../backends/stateBackend.js';

interface Entry {
  v: unknown;
  /** Last write time, for TTL. */
  t: number;
}

/** Key of the timers entry in a snapshot (never a state name: names cannot contain NUL). */
export const timersEntry = '\u0000timers';

export class KeyedStore {
  /** JSON of the key being processed. */
  currentKey = '';
  private readonly tables = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttl: ReadonlyMap<string, number | undefined>,
  ) {
    for (const name of ttl.keys()) this.tables.set(name, new Map());
  }

  private table(name: string): Map<string, Entry> {
    return this.tables.get(name)!;
  }

  private live(name: string, e: Entry | undefined): e is Entry {
    if (!e) return false;
    const ttl = this.ttl.get(name);
    return ttl === undefined || this.clock.now() - e.t < ttl;
  }

  has(name: string): boolean {
    const table = this.table(name);
    const e = table.get(this.currentKey);
    if (this.live(name, e)) return true;
    if (e) table.delete(this.currentKey);
    return false;
  }

  get(name: string): unknown {
    return this.has(name) ? this.table(name).get(this.currentKey)!.v : undefined;
  }

  set(name: string, v: unknown): void {
    this.table(name).set(this.currentKey, { v, t: this.clock.now() });
  }

  delete(name: string): void {
    this.table(name).delete(this.currentKey);
  }

  /** Serializes every live entry: `name\0keyJson` → `[value, writeTime]` JSON. */
  snapshot(extra: ReadonlyArray<readonly [string, string]>): StateSnapshot {
    const out: Array<readonly [string, string]> = [];
    for (const [name, table] of this.tables) {
      for (const [key, e] of table) {
        if (this.live(name, e)) out.push([`${name}\u0000${key}`, JSON.stringify([e.v, e.t])]);
      }
    }
    for (const x of extra) out.push(x);
    return out;
  }

  /** Loads a snapshot; returns entries this store does not own (timers), and the unknown state names. */
  restore(snapshot: StateSnapshot): { extra: Map<string, string>; unknown: Set<string> } {
    const extra = new Map<string, string>();
    const unknown = new Set<string>();
    for (const [k, v] of snapshot) {
      const sep = k.indexOf('\u0000');
      if (sep <= 0) {
        extra.set(k, v);
        continue;
      }
      const name = k.slice(0, sep);
      const table = this.tables.get(name);
      if (!table) {
        unknown.add(name);
        continue;
      }
      const [value, t] = JSON.parse(v) as [unknown, number];
      table.set(k.slice(sep + 1), { v: value, t });
    }
    return { extra, unknown };
  }
}
