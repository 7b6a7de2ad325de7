/**
 * Keyed working state in LMDB, for state larger than memory: a bounded in-heap cache
 * of hot and dirty entries in front of an LMDB working table, and incremental
 * checkpoints (a changelog segment per checkpoint on top of a compacted base).
 */
import { InvalidArgumentError, type Clock } from '@streamweave/core';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { StateSnapshot } from '../../backends/stateBackend.js';
import { CorruptCheckpointError } from '../../errors.js';
import { manifestEntry, restoredTime, splitEntryKey } from '../../internal/keyedStore.js';
import type { KeyedStateStore, KeyedStateStoreFactory, KeyedStateStoreInit, SnapshotRequest } from '../../keyedStateStore.js';

/** Options of {@link lmdbKeyedStore}. */
export interface LmdbKeyedStoreOptions {
  /** Directory of the LMDB environment (created if missing). Give each job its own. */
  readonly path: string;
  /** Most entries (state name × key) kept on the heap per operator (default 10 000). */
  readonly cacheSize?: number;
  /** Merge the changelog segments of a checkpoint into one base once a checkpoint needs more than this many (default 8). */
  readonly compactAfter?: number;
  /** Largest memory map in bytes (default 64 GiB: address space, not memory). */
  readonly mapSize?: number;
}

/** Counters of one operator's LMDB working store (the latest run that opened it). */
export interface LmdbKeyedStoreStats {
  /** Entries on the heap now. */
  readonly cached: number;
  /** Most entries ever on the heap at once. */
  readonly maxCached: number;
  /** The bound (`cacheSize`). */
  readonly cacheSize: number;
  /** Cache misses answered by LMDB. */
  readonly reads: number;
  /** Entries written to LMDB (evictions and checkpoint flushes). */
  readonly writes: number;
  /** Segments the latest checkpoint needs (base + changelogs). */
  readonly segments: number;
  /** Entries written into the changelog of the latest checkpoint (its increment). */
  readonly lastIncrement: number;
  /** Compactions finished. */
  readonly compactions: number;
  /** Segments of this operator stored in LMDB (needed by retained checkpoints, or not yet removed); 0 once the store is closed. */
  readonly storedSegments: number;
}

/** The factory {@link lmdbKeyedStore} returns: pass it as `store`; close it when the job is done. */
export interface LmdbKeyedStoreFactory extends KeyedStateStoreFactory {
  /** Directory of the environment. */
  readonly path: string;
  /** Counters of operator `operatorId`, or `undefined` if it never opened this store. */
  stats(operatorId: string): LmdbKeyedStoreStats | undefined;
  /** Resolves when background work (compaction, removal of unneeded segments) is done. */
  idle(): Promise<void>;
  /** Waits for background work, then closes the environment. */
  close(): Promise<void>;
}

/** A cached entry: the value of one state name for one key. */
interface Slot {
  /** `name\0keyJson`. */
  readonly ek: string;
  v: unknown;
  t: number;
  /** No value (never written, or deleted). */
  absent: boolean;
  /** Changed since it was last written to LMDB. */
  dirty: boolean;
  /** Used since the eviction sweep last passed it (second chance). */
  ref: boolean;
}

interface Manifest {
  readonly v: 1;
  readonly segs: readonly number[];
}

type CheckpointRecord = { readonly segs: readonly number[] } | { readonly full: true };

const segKey = (id: number, ek = '') => `${String(id).padStart(12, '0')}${ek}`;
const chunk = 5_000;

/**
 * Keyed working state in LMDB (`lmdb` package), for keyed state larger than memory.
 * Each keyed operator keeps at most `cacheSize` entries on the heap (hot keys, and keys
 * changed since they were last written); the rest lives in an LMDB working table, read
 * on a cache miss. Checkpoints are incremental: at a barrier the dirty cached entries
 * are written (synchronously, so the cut is exact) into the changelog segment of the
 * closing epoch, and the snapshot handed to the coordinator is a small manifest naming
 * the segments the checkpoint consists of (a base plus changelogs, merged in the
 * background every `compactAfter` checkpoints). The environment is synced before the
 * manifest is reported; between checkpoints it is written without fsync (a process
 * crash loses nothing; after an OS crash the job restores from the last checkpoint).
 *
 * The segments live in this store, not in the coordinator's backend: keep `path` for
 * as long as its checkpoints are retained. A savepoint is self-contained (every entry
 * inline), so it restores into any store. Restoring rebuilds the working table from
 * the checkpoint's segments. Timers stay on the heap. Values must be
 * JSON-serializable and changed through the state API (`update`, `add`, `put`…).
 *
 * @example
 * ```ts
 * const store = lmdbKeyedStore({ path: './keyed-state', cacheSize: 100_000 });
 * const counts = keyedCount({ keyBy: (e: Click) => e.user, store, name: 'perUser' });
 * await coordinator.run(pipeline().from(clicks).pipe(counts).to(sink));
 * await store.close();
 * ```
 * @see {@link lmdbBackend}, `heapKeyedStore` (the default)
 */
export function lmdbKeyedStore(options: LmdbKeyedStoreOptions): LmdbKeyedStoreFactory {
  if (!options || typeof options.path !== 'string' || options.path === '') {
    throw new InvalidArgumentError('lmdbKeyedStore: `path` must be a directory path');
  }
  const cacheSize = options.cacheSize ?? 10_000;
  const compactAfter = options.compactAfter ?? 8;
  if (!(Number.isInteger(cacheSize) && cacheSize >= 1)) throw new InvalidArgumentError(`lmdbKeyedStore: cacheSize must be a positive integer, got ${String(cacheSize)}`);
  if (!(Number.isInteger(compactAfter) && compactAfter >= 1)) {
    throw new InvalidArgumentError(`lmdbKeyedStore: compactAfter must be a positive integer, got ${String(compactAfter)}`);
  }
  let env: RootDatabase | undefined;
  let meta: Database;
  let background: Promise<void> = Promise.resolve();
  const stores = new Map<string, LmdbStore>();
  const tables = new Map<string, { work: Database; seg: Database }>();
  const shared: Shared = {
    path: options.path,
    cacheSize,
    compactAfter,
    env: () => env!,
    isOpen: () => env !== undefined,
    meta: () => meta,
    tables(op) {
      let t = tables.get(op);
      if (!t) {
        t = { work: env!.openDB({ name: `work:${op}`, encoding: 'json' }), seg: env!.openDB({ name: `seg:${op}`, encoding: 'json' }) };
        tables.set(op, t);
      }
      return t;
    },
    // `sync` (mdb_env_sync, forced) is missing from lmdb's typings.
    sync: () => new Promise<void>((resolve, reject) => (env as unknown as EnvSync).sync((e) => (e ? reject(e) : resolve()))),
    background(task) {
      const run = background.then(task);
      background = run.catch(() => undefined);
      return run;
    },
  };
  return {
    kind: 'lmdb',
    path: options.path,
    open(init: KeyedStateStoreInit): KeyedStateStore {
      if (!env) {
        env = open({ path: options.path, maxDbs: 254, noSync: true, mapSize: options.mapSize ?? 64 * 1024 ** 3 });
        meta = env.openDB({ name: 'meta', encoding: 'json' });
      }
      const store = new LmdbStore(shared, init);
      stores.set(init.operatorId, store);
      return store;
    },
    stats: (op) => stores.get(op)?.stats(),
    idle: () => background,
    async close() {
      await background;
      for (const s of stores.values()) s.close();
      if (env) await env.close();
      env = undefined;
      tables.clear();
    },
  };
}

interface EnvSync {
  sync(callback: (error?: Error) => void): void;
}

interface Shared {
  readonly path: string;
  readonly cacheSize: number;
  readonly compactAfter: number;
  env(): RootDatabase;
  isOpen(): boolean;
  meta(): Database;
  tables(op: string): { work: Database; seg: Database };
  sync(): Promise<void>;
  background(task: () => Promise<void>): Promise<void>;
}

class LmdbStore implements KeyedStateStore {
  currentKey = '';
  private readonly op: string;
  private readonly clock: Clock;
  private readonly ttl: ReadonlyMap<string, number | undefined>;
  private readonly work: Database;
  private readonly seg: Database;
  private readonly cache = new Map<string, Slot>();
  // The slot last used (cleared by an eviction): a read-modify-write finds it once.
  private lastName = '';
  private lastKey = '';
  private lastSlot: Slot | undefined;
  private readonly evictBatch: number;
  /** Id of the open changelog segment (the epoch since the last checkpoint). */
  private epoch = 0;
  private epochWrites = 0;
  /** Closed segments that make up the state at the last checkpoint, base first. */
  private lineage: number[] = [];
  private compacting: { sources: readonly number[]; target: number } | undefined;
  private endLineage: number[] | undefined;
  private readonly taken = new Set<number>();
  private failure: unknown;
  private closed = false;
  private counters = { maxCached: 0, reads: 0, writes: 0, lastIncrement: 0, compactions: 0 };

  constructor(
    private readonly shared: Shared,
    init: KeyedStateStoreInit,
  ) {
    this.op = init.operatorId;
    this.clock = init.clock;
    this.ttl = init.ttl;
    ({ work: this.work, seg: this.seg } = shared.tables(this.op));
    this.evictBatch = Math.max(1, Math.ceil(shared.cacheSize / 4));
  }

  stats(): LmdbKeyedStoreStats {
    let storedSegments = 0;
    if (this.shared.isOpen()) {
      for (const _ of this.shared.meta().getKeys({ start: [this.op, 'seg'], end: [this.op, 'seg', Number.MAX_SAFE_INTEGER] })) storedSegments++;
    }
    return { ...this.counters, cached: this.cache.size, cacheSize: this.shared.cacheSize, segments: this.lineage.length, storedSegments };
  }

  // ---- reads and writes of the current key ----

  private remembered(name: string): Slot | undefined {
    return this.lastSlot !== undefined && name === this.lastName && this.currentKey === this.lastKey ? this.lastSlot : undefined;
  }

  private remember(name: string, s: Slot): Slot {
    this.lastName = name;
    this.lastKey = this.currentKey;
    this.lastSlot = s;
    return s;
  }

  private lookup(name: string): Slot {
    const memo = this.remembered(name);
    if (memo !== undefined) return memo;
    const ek = `${name}\u0000${this.currentKey}`;
    let s = this.cache.get(ek);
    if (s !== undefined) {
      s.ref = true;
      return this.remember(name, s);
    }
    const stored = this.work.get(ek) as [unknown, number] | undefined;
    this.counters.reads++;
    s = stored === undefined ? { ek, v: undefined, t: 0, absent: true, dirty: false, ref: false } : { ek, v: stored[0], t: stored[1], absent: false, dirty: false, ref: false };
    this.admit(s);
    return this.remember(name, s);
  }

  /** A slot to overwrite: no need to read what LMDB holds. */
  private writable(name: string): Slot {
    const memo = this.remembered(name);
    if (memo !== undefined) return memo;
    const ek = `${name}\u0000${this.currentKey}`;
    let s = this.cache.get(ek);
    if (s === undefined) {
      s = { ek, v: undefined, t: 0, absent: true, dirty: false, ref: false };
      this.admit(s);
    } else s.ref = true;
    return this.remember(name, s);
  }

  private admit(s: Slot): void {
    if (this.cache.size >= this.shared.cacheSize) this.evict();
    this.cache.set(s.ek, s);
    if (this.cache.size > this.counters.maxCached) this.counters.maxCached = this.cache.size;
  }

  private live(name: string, s: Slot): boolean {
    if (s.absent) return false;
    const ttl = this.ttl.get(name);
    return ttl === undefined || this.clock.now() - s.t < ttl;
  }

  has(name: string): boolean {
    return this.live(name, this.lookup(name));
  }

  get(name: string): unknown {
    const s = this.lookup(name);
    return this.live(name, s) ? s.v : undefined;
  }

  set(name: string, value: unknown): void {
    const s = this.writable(name);
    s.v = value;
    s.t = this.ttl.get(name) === undefined ? 0 : this.clock.now();
    s.absent = false;
    s.dirty = true;
  }

  delete(name: string): void {
    const s = this.writable(name);
    s.v = undefined;
    s.absent = true;
    s.dirty = true;
  }

  /** Second-chance sweep from the oldest entry: drops `evictBatch` entries, writing the dirty ones out first. */
  private evict(): void {
    this.lastSlot = undefined;
    const victims: Slot[] = [];
    const spared: Slot[] = [];
    for (const s of this.cache.values()) {
      if (s.ref) {
        s.ref = false;
        spared.push(s);
      } else if (victims.push(s) >= this.evictBatch) break;
    }
    // Everything was used since the last sweep: take the oldest anyway.
    if (victims.length === 0) victims.push(...spared.splice(0, this.evictBatch));
    for (const s of spared) {
      this.cache.delete(s.ek);
      this.cache.set(s.ek, s);
    }
    const dirty = victims.filter((s) => s.dirty);
    if (dirty.length > 0) this.shared.env().transactionSync(() => this.writeOut(dirty));
    for (const s of victims) this.cache.delete(s.ek);
  }

  /** Inside a write transaction: dirty slots go to the working table and the open changelog segment. */
  private writeOut(slots: readonly Slot[]): void {
    for (const s of slots) {
      const stored = s.absent ? null : [s.v, s.t];
      if (stored === null) this.work.removeSync(s.ek);
      else this.work.putSync(s.ek, stored);
      this.seg.putSync(segKey(this.epoch, s.ek), stored);
      s.dirty = false;
    }
    this.counters.writes += slots.length;
    this.epochWrites += slots.length;
  }

  // ---- checkpoints ----

  private metaKey(...rest: Array<string | number>): Array<string | number> {
    return [this.op, ...rest];
  }

  /** Allocates a segment id (inside a write transaction), recorded as open. */
  private allocate(): number {
    const meta = this.shared.meta();
    const id = ((meta.get([this.op, 'next']) as number | undefined) ?? 1) as number;
    meta.putSync([this.op, 'next'], id + 1);
    meta.putSync(this.metaKey('seg', id), { closed: false });
    return id;
  }

  restore(snapshot: StateSnapshot | undefined): { extra: Map<string, string>; unknown: Set<string> } {
    const extra = new Map<string, string>();
    const unknown = new Set<string>();
    const meta = this.shared.meta();
    const env = this.shared.env();
    let manifest: Manifest | undefined;
    const full: Array<readonly [string, string]> = [];
    for (const [k, v] of snapshot ?? []) {
      if (k === manifestEntry) manifest = JSON.parse(v) as Manifest;
      else if (splitEntryKey(k)) full.push([k, v]);
      else extra.set(k, v);
    }
    this.work.clearSync();
    this.lastSlot = undefined;
    /** Notes unknown names; gives the value to store (a state that gained a TTL counts its entries as written now). */
    const note = (ek: string, value: [unknown, number]): [unknown, number] => {
      const name = ek.slice(0, ek.indexOf('\u0000'));
      if (!this.ttl.has(name)) unknown.add(name);
      else if (value[1] === 0 && this.ttl.get(name) !== undefined) return [value[0], restoredTime(this.ttl.get(name), 0, this.clock)];
      return value;
    };
    if (manifest) {
      for (const id of manifest.segs) {
        const rec = meta.get(this.metaKey('seg', id)) as { closed: boolean } | undefined;
        if (!rec?.closed) {
          throw new CorruptCheckpointError(`changelog segment ${id} of "${this.op}" is missing from the LMDB working store`, this.shared.path);
        }
      }
      for (const [i, id] of manifest.segs.entries()) {
        // The base goes into the empty working table in key order: append, not insert.
        const append = i === 0 ? { append: true } : undefined;
        let batch: Array<{ key: string; value: unknown }>;
        let start = segKey(id);
        const end = segKey(id + 1);
        do {
          batch = [...this.seg.getRange({ start, end, limit: chunk })] as Array<{ key: string; value: unknown }>;
          env.transactionSync(() => {
            for (const { key, value } of batch) {
              const ek = key.slice(12);
              if (value === null) this.work.removeSync(ek);
              else this.work.putSync(ek, note(ek, value as [unknown, number]), append as never);
            }
          });
          if (batch.length > 0) start = `${batch[batch.length - 1]!.key}\u0000`;
        } while (batch.length === chunk);
      }
      this.lineage = [...manifest.segs];
    } else if (full.length > 0) {
      // A full snapshot (a savepoint, or a checkpoint of the heap store): it becomes the base.
      env.transactionSync(() => {
        const base = this.allocate();
        for (const [ek, v] of full) {
          const value = note(ek, JSON.parse(v) as [unknown, number]);
          this.work.putSync(ek, value);
          this.seg.putSync(segKey(base, ek), value);
        }
        meta.putSync(this.metaKey('seg', base), { closed: true });
        this.lineage = [base];
      });
    } else this.lineage = [];
    env.transactionSync(() => {
      this.epoch = this.allocate();
    });
    return { extra, unknown };
  }

  snapshot(at: SnapshotRequest, extra: StateSnapshot): StateSnapshot | Promise<StateSnapshot> {
    if (this.failure !== undefined) {
      const e = this.failure;
      this.failure = undefined;
      return Promise.reject(e as Error);
    }
    const dirty: Slot[] = [];
    for (const s of this.cache.values()) if (s.dirty) dirty.push(s);
    const meta = this.shared.meta();
    this.shared.env().transactionSync(() => {
      this.writeOut(dirty);
      this.counters.lastIncrement = this.epochWrites;
      // An epoch without writes adds no segment: the checkpoint is the previous one's.
      if (this.epochWrites > 0) {
        meta.putSync(this.metaKey('seg', this.epoch), { closed: true });
        this.lineage = [...this.lineage, this.epoch];
        this.epoch = this.allocate();
        this.epochWrites = 0;
      }
      const record: CheckpointRecord = at.savepoint ? { full: true } : { segs: this.lineage };
      meta.putSync(this.metaKey('cp', at.checkpointId), record);
    });
    if (at.checkpointId === 'end') this.endLineage = this.lineage;
    else this.taken.add(at.checkpointId);
    if (at.savepoint) return this.fullSnapshot(extra);
    const manifest: Manifest = { v: 1, segs: this.lineage };
    const out: StateSnapshot = [[manifestEntry, JSON.stringify(manifest)], ...extra];
    this.maybeCompact();
    return this.shared.sync().then(() => out);
  }

  /** Every live entry inline (the working table equals the cut right after the flush). */
  private fullSnapshot(extra: StateSnapshot): StateSnapshot {
    const out: Array<readonly [string, string]> = [];
    const now = this.clock.now();
    for (const { key, value } of this.work.getRange({}) as Iterable<{ key: string; value: [unknown, number] }>) {
      const ttl = this.ttl.get(key.slice(0, key.indexOf('\u0000')));
      if (ttl === undefined || now - value[1] < ttl) out.push([key, JSON.stringify(value)]);
    }
    for (const x of extra) out.push(x);
    return out;
  }

  notifyComplete(checkpointId: number): void {
    // The final checkpoint's id is known only now.
    if (this.endLineage && !this.taken.has(checkpointId) && this.shared.isOpen()) {
      const meta = this.shared.meta();
      const segs = this.endLineage;
      this.shared.env().transactionSync(() => {
        meta.putSync(this.metaKey('cp', checkpointId), { segs });
        meta.removeSync(this.metaKey('cp', 'end'));
      });
    }
  }

  notifyRetained(checkpointIds: readonly number[]): void {
    if (!this.shared.isOpen()) return;
    const meta = this.shared.meta();
    const needed = new Set<number>([...this.lineage, this.epoch, ...(this.endLineage ?? [])]);
    if (this.compacting) for (const id of [...this.compacting.sources, this.compacting.target]) needed.add(id);
    const retained = new Set(checkpointIds);
    for (const id of checkpointIds) {
      const rec = meta.get(this.metaKey('cp', id)) as CheckpointRecord | undefined;
      // A retained checkpoint this store has no record of: keep everything (never drop what might be needed).
      if (!rec) return;
      if ('segs' in rec) for (const s of rec.segs) needed.add(s);
    }
    const newest = checkpointIds.length > 0 ? checkpointIds[checkpointIds.length - 1]! : 0;
    const dropRecords: Array<Array<string | number>> = [];
    for (const { key, value } of meta.getRange({ start: [this.op, 'cp'], end: [this.op, 'cp', '\uffff'] }) as Iterable<{ key: Array<string | number>; value: CheckpointRecord }>) {
      const id = key[2]!;
      if (typeof id === 'number' && id < newest && !retained.has(id)) dropRecords.push(key);
      else if ('segs' in value) for (const s of value.segs) needed.add(s);
    }
    const dropSegs: number[] = [];
    for (const { key } of meta.getRange({ start: [this.op, 'seg'], end: [this.op, 'seg', Number.MAX_SAFE_INTEGER] }) as Iterable<{ key: Array<string | number> }>) {
      const id = key[2] as number;
      if (!needed.has(id)) dropSegs.push(id);
    }
    this.shared.env().transactionSync(() => {
      for (const k of dropRecords) meta.removeSync(k);
      for (const id of dropSegs) meta.removeSync(this.metaKey('seg', id));
    });
    if (dropSegs.length > 0) void this.shared.background(() => this.removeSegments(dropSegs)).catch(() => undefined);
  }

  private async removeSegments(ids: readonly number[]): Promise<void> {
    for (const id of ids) {
      let keys: string[];
      do {
        keys = [...this.seg.getKeys({ start: segKey(id), end: segKey(id + 1), limit: chunk })] as string[];
        this.shared.env().transactionSync(() => {
          for (const k of keys) this.seg.removeSync(k);
        });
        await yieldTurn();
      } while (keys.length === chunk);
    }
  }

  /** Merges the lineage into one base segment in the background once it is longer than `compactAfter`. */
  private maybeCompact(): void {
    if (this.compacting || this.closed || this.endLineage || this.lineage.length <= this.shared.compactAfter) return;
    const sources = this.lineage;
    let target = 0;
    this.shared.env().transactionSync(() => {
      target = this.allocate();
    });
    this.compacting = { sources, target };
    void this.shared
      .background(async () => {
        try {
          await this.merge(sources, target);
        } finally {
          this.compacting = undefined;
        }
      })
      .catch((e: unknown) => {
        this.failure = e;
      });
  }

  private async merge(sources: readonly number[], target: number): Promise<void> {
    const env = this.shared.env();
    for (const id of sources) {
      let start = segKey(id);
      const end = segKey(id + 1);
      let batch: Array<{ key: string; value: unknown }>;
      do {
        if (this.closed) return;
        batch = [...this.seg.getRange({ start, end, limit: chunk })] as Array<{ key: string; value: unknown }>;
        env.transactionSync(() => {
          for (const { key, value } of batch) {
            const dest = segKey(target, key.slice(12));
            // The base is first in every lineage: a deletion there is just an absent entry.
            if (value === null) this.seg.removeSync(dest);
            else this.seg.putSync(dest, value);
          }
        });
        if (batch.length > 0) start = `${batch[batch.length - 1]!.key}\u0000`;
        await yieldTurn();
      } while (batch.length === chunk);
    }
    if (this.closed) return;
    env.transactionSync(() => this.shared.meta().putSync(this.metaKey('seg', target), { closed: true }));
    // Checkpoints taken meanwhile appended to the lineage; the merged prefix is replaced by the base.
    if (sources.every((id, i) => this.lineage[i] === id)) this.lineage = [target, ...this.lineage.slice(sources.length)];
    this.counters.compactions++;
  }

  close(): void {
    this.closed = true;
    this.lastSlot = undefined;
    this.cache.clear();
  }
}

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
