/**
 * Drives asynchronous barrier snapshots (Flink's model) over a core run:
 * triggers barriers at the sources, collects source positions, operator
 * snapshots and sink pre-commits, makes the checkpoint durable, then tells the
 * participants to commit. On start it restores the latest complete checkpoint
 * (or a chosen savepoint).
 */
import {
  type Cancel,
  type CheckpointBarrier,
  checkpointBarrier,
  type Clock,
  type GraphDescription,
  InvalidArgumentError,
  type JsonValue,
  type RunHandle,
  type RunOptions,
  type RunResult,
  systemClock,
} from '@streamweave/core';
import { memoryBackend } from './backends/memoryBackend.js';
import type { StateBackend, StateSnapshot } from './backends/stateBackend.js';
import { type CheckpointMetadata, type CheckpointStorage, memoryCheckpointStorage } from './checkpointStorage.js';
import { CheckpointFailedError, CorruptCheckpointError, StateMismatchError } from './errors.js';
import { checksum } from './internal/checksum.js';
import { type CheckpointParticipant, stateExtensionKey, type StateRuntime } from './internal/stateRuntime.js';

/** Options of a {@link CheckpointCoordinator}. */
export interface CheckpointCoordinatorOptions {
  /** Where operator snapshots go (default: {@link memoryBackend}). */
  readonly backend?: StateBackend;
  /** Where checkpoint metadata goes (default: {@link memoryCheckpointStorage}). */
  readonly storage?: CheckpointStorage;
  /** Periodic checkpoint interval in ms; omit for checkpoints on demand only. */
  readonly intervalMs?: number;
  /** A checkpoint not complete after this many ms fails (default 60 000). */
  readonly timeoutMs?: number;
  /** Checkpoints in flight at once (default 1). */
  readonly maxConcurrent?: number;
  /** Least ms between the end of one checkpoint and the start of the next (default 0). */
  readonly minPauseMs?: number;
  /** Complete checkpoints kept in storage (default 3). */
  readonly retained?: number;
  /** Clock for intervals and timeouts (default: the system clock). */
  readonly clock?: Clock;
  /** Called when a checkpoint is complete and durable. */
  readonly onCheckpointComplete?: (meta: CheckpointMetadata, path: string) => void;
  /** Called when a checkpoint fails; data processing continues. */
  readonly onCheckpointFailed?: (error: CheckpointFailedError) => void;
  /** Called when a stored checkpoint is corrupt and an older one is used instead. */
  readonly onCorruptCheckpoint?: (error: CorruptCheckpointError) => void;
}

/** What to restore when a run starts. */
export type RestoreFrom = 'latest' | 'none' | { readonly savepoint: string };

/** A pipeline or built graph: anything that can start a run and describe itself. */
export interface CheckpointedJob<R> {
  /** Starts a run with `options` (the coordinator passes its checkpoint hooks and the restored source positions through them). */
  start(options?: RunOptions): RunHandle<R>;
  /** Describes the job's graph (nodes, ports, edges); the coordinator checks restored state against it and finds the sinks in it. */
  describe(): GraphDescription;
}

/** Result of {@link CheckpointCoordinator.run}. */
export interface CheckpointedRunResult<R> extends RunResult<R> {
  /** The checkpoint the run restored from, if any. */
  readonly restoredFrom: number | undefined;
  /** Ids of the checkpoints completed during this run (the final one included). */
  readonly completedCheckpoints: readonly number[];
}

interface Pending {
  readonly id: number;
  readonly barrier: CheckpointBarrier;
  readonly positions: Record<string, JsonValue>;
  readonly waiting: Set<string>;
  /** Sinks the barrier has not reached yet (a checkpoint completes only once every running sink has it). */
  readonly sinksWaiting: Set<string>;
  readonly snapshots: Map<string, StateSnapshot>;
  readonly writes: Array<Promise<void>>;
  failed: CheckpointFailedError | undefined;
  /** Set once completion started (its metadata is being written): it must not start twice. */
  completing: boolean;
  cancelTimeout: Cancel;
  readonly done: Promise<CheckpointMetadata>;
  resolve(meta: CheckpointMetadata): void;
  reject(error: CheckpointFailedError): void;
  savepointTarget: string | undefined;
}

/**
 * Coordinates checkpoints of one job: interval, timeout, max concurrent, min pause,
 * retention, savepoints and restore.
 *
 * @example
 * ```ts
 * const coordinator = new CheckpointCoordinator({ intervalMs: 1000 });
 * const { result } = await coordinator.run(
 *   pipeline().from(fromArray(words)).pipe(keyedCount).to(collect()),
 * );
 * ```
 * @see {@link keyedProcess}, {@link twoPhaseCommitSink}, {@link memoryBackend}
 */
export class CheckpointCoordinator {
  private readonly backend: StateBackend;
  private readonly storage: CheckpointStorage;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly maxConcurrent: number;
  private readonly minPauseMs: number;
  private readonly retained: number;
  private lastId = 0;
  private lastCompletedAt = -Infinity;
  private readonly pending = new Map<number, Pending>();
  private participants = new Map<string, CheckpointParticipant>();
  private ended = new Map<string, StateSnapshot | Promise<StateSnapshot>>();
  private endPositions: Record<string, JsonValue> = {};
  /** Sinks of the current run that have not finished. */
  private runningSinks = new Set<string>();
  private handle: RunHandle<unknown> | undefined;
  private completed: number[] = [];

  constructor(private readonly options: CheckpointCoordinatorOptions = {}) {
    this.backend = options.backend ?? memoryBackend();
    this.storage = options.storage ?? memoryCheckpointStorage();
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = positive('timeoutMs', options.timeoutMs ?? 60_000);
    this.maxConcurrent = positive('maxConcurrent', options.maxConcurrent ?? 1);
    this.minPauseMs = nonNegative('minPauseMs', options.minPauseMs ?? 0);
    this.retained = positive('retained', options.retained ?? 3);
    if (options.intervalMs !== undefined) positive('intervalMs', options.intervalMs);
  }

  /**
   * Loads the newest complete checkpoint whose metadata and snapshots verify;
   * corrupt ones are reported (with their path) and skipped.
   */
  async latest(): Promise<{ meta: CheckpointMetadata; state: Map<string, StateSnapshot> } | undefined> {
    const ids = (await this.storage.list()).reverse();
    for (const id of ids) {
      try {
        const meta = await this.storage.load(id);
        const state = new Map<string, StateSnapshot>();
        for (const [op, info] of Object.entries(meta.operators)) {
          const snap = await this.backend.read(id, op);
          const where = `${this.backend.name}:checkpoint ${id}/${op}`;
          if (!snap) throw new CorruptCheckpointError(`state of "${op}" is missing from the backend`, where);
          if (checksum(JSON.stringify(snap)) !== info.checksum) {
            throw new CorruptCheckpointError(`state of "${op}" fails its checksum`, where);
          }
          state.set(op, snap);
        }
        return { meta, state };
      } catch (e) {
        if (!(e instanceof CorruptCheckpointError)) throw e;
        this.options.onCorruptCheckpoint?.(e);
      }
    }
    return undefined;
  }

  /**
   * Runs `job` with checkpoints: restores (by default from the latest complete
   * checkpoint), triggers periodic checkpoints, and at end of input takes a final
   * checkpoint and commits the sinks.
   */
  async run<R>(job: CheckpointedJob<R>, options: { restore?: RestoreFrom; runOptions?: RunOptions } = {}): Promise<CheckpointedRunResult<R>> {
    if (this.active) throw new InvalidArgumentError('CheckpointCoordinator.run: a run is already active on this coordinator');
    this.active = true;
    try {
      return await this.runActive(job, options);
    } finally {
      this.active = false;
    }
  }

  private active = false;

  private async runActive<R>(job: CheckpointedJob<R>, options: { restore?: RestoreFrom; runOptions?: RunOptions }): Promise<CheckpointedRunResult<R>> {
    const restore = options.restore ?? 'latest';
    let restored: { meta: CheckpointMetadata; state: Map<string, StateSnapshot> } | undefined;
    if (restore === 'latest') restored = await this.latest();
    else if (restore !== 'none') {
      const meta = await this.storage.loadSavepoint(restore.savepoint);
      restored = { meta, state: new Map(Object.entries(meta.state ?? {})) };
    }
    if (restored) {
      checkShape(restored.meta, job.describe());
      this.lastId = Math.max(this.lastId, restored.meta.id);
    } else {
      const ids = await this.storage.list();
      this.lastId = Math.max(this.lastId, ids[ids.length - 1] ?? 0);
    }
    this.participants = new Map();
    this.ended = new Map();
    this.endPositions = {};
    this.runningSinks = new Set(job.describe().nodes.filter((n) => n.kind === 'consumer').map((n) => n.id));
    this.completed = [];
    const restoredState = restored?.state ?? new Map<string, StateSnapshot>();
    const runtime: StateRuntime = {
      restored: (id) => restoredState.get(id),
      register: (p) => {
        if (this.participants.has(p.id)) throw new InvalidArgumentError(`two stateful nodes share the id "${p.id}": give them distinct names`);
        this.participants.set(p.id, p);
      },
      snapshotTaken: (id, checkpointId, snapshot) => this.onSnapshot(id, checkpointId, snapshot),
    };
    const base = options.runOptions ?? {};
    const positions = restored ? { ...restored.meta.positions } : undefined;
    const handle = job.start({
      ...base,
      ...(positions ? { restore: { positions } } : {}),
      extensions: { ...base.extensions, [stateExtensionKey]: runtime },
      checkpoints: {
        onSourceBarrier: (sourceId, barrier, position) => {
          const p = this.pending.get(barrier.checkpointId);
          if (p && position !== undefined) p.positions[sourceId] = position;
        },
        onSourceEnd: (sourceId, position) => {
          if (position !== undefined) this.endPositions[sourceId] = position;
        },
        // Like Flink, a checkpoint completes only when every sink has the barrier, i.e. has been
        // handed every item before it: source offsets must never be committed past a sink.
        onSinkBarrier: (sinkId, barrier) => {
          const p = this.pending.get(barrier.checkpointId);
          if (!p) return;
          p.sinksWaiting.delete(sinkId);
          this.maybeComplete(p);
        },
        onSinkEnd: (sinkId) => {
          this.runningSinks.delete(sinkId);
          for (const p of this.pending.values()) {
            if (p.sinksWaiting.delete(sinkId)) this.maybeComplete(p);
          }
        },
      },
    });
    // Participants registered while the run was wired: state they did not claim cannot be mapped.
    for (const op of restoredState.keys()) {
      if (!this.participants.has(op)) {
        handle.cancel();
        await handle.result.catch(() => undefined);
        throw new StateMismatchError(`checkpoint holds state for "${op}", but no stateful node of this run has that id`, op);
      }
    }
    this.handle = handle as RunHandle<unknown>;
    let cancelTimer: Cancel | undefined;
    const scheduleNext = () => {
      if (this.options.intervalMs === undefined) return;
      const wait = Math.max(this.options.intervalMs, this.lastCompletedAt + this.minPauseMs - this.clock.now());
      cancelTimer = this.clock.schedule(() => {
        if (this.handle !== handle) return;
        if (this.pending.size < this.maxConcurrent && this.clock.now() >= this.lastCompletedAt + this.minPauseMs) {
          this.trigger(false, undefined).catch(() => undefined);
        }
        scheduleNext();
      }, wait);
    };
    scheduleNext();
    try {
      const result = await handle.result;
      cancelTimer?.();
      await Promise.allSettled([...this.pending.values()].map((p) => p.done));
      await this.finalCheckpoint();
      return { ...result, restoredFrom: restored?.meta.id, completedCheckpoints: [...this.completed] };
    } finally {
      cancelTimer?.();
      for (const p of this.pending.values()) {
        p.cancelTimeout();
        p.reject(new CheckpointFailedError('the run ended', p.id));
      }
      this.pending.clear();
      this.handle = undefined;
    }
  }

  /** Triggers a checkpoint now; resolves when it is complete and durable. */
  triggerCheckpoint(): Promise<CheckpointMetadata> {
    return this.trigger(false, undefined);
  }

  /**
   * Takes a savepoint now: a checkpoint whose state is inlined in one file, so it
   * can be restored later by path (`run(job, { restore: { savepoint } })`).
   * Resolves with its path.
   */
  async savepoint(target?: string): Promise<string> {
    const meta = await this.trigger(true, target);
    return this.pendingSavepointPaths.get(meta.id)!;
  }

  private readonly pendingSavepointPaths = new Map<number, string>();

  private async trigger(savepoint: boolean, target: string | undefined): Promise<CheckpointMetadata> {
    const handle = this.handle;
    if (!handle) throw new InvalidArgumentError('CheckpointCoordinator: no run is active');
    while (this.pending.size >= this.maxConcurrent) {
      await Promise.allSettled([...this.pending.values()].map((p) => p.done));
      if (this.handle !== handle) throw new InvalidArgumentError('CheckpointCoordinator: the run ended');
    }
    const id = ++this.lastId;
    const barrier = checkpointBarrier(id, this.clock.now(), savepoint);
    let resolve!: (m: CheckpointMetadata) => void;
    let reject!: (e: CheckpointFailedError) => void;
    const done = new Promise<CheckpointMetadata>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    done.catch(() => undefined);
    const p: Pending = {
      id,
      barrier,
      positions: { ...this.endPositions },
      waiting: new Set([...this.participants.keys()].filter((k) => !this.ended.has(k))),
      sinksWaiting: new Set(this.runningSinks),
      snapshots: new Map(),
      writes: [],
      failed: undefined,
      completing: false,
      cancelTimeout: () => undefined,
      done,
      resolve,
      reject,
      savepointTarget: target,
    };
    this.pending.set(id, p);
    p.cancelTimeout = this.clock.schedule(
      () => this.fail(p, `timed out after ${this.timeoutMs} ms waiting for ${[...p.waiting, ...[...p.sinksWaiting].map((k) => `sink ${k}`)].join(', ')}`),
      this.timeoutMs,
    );
    const took = handle.injectBarrier(barrier);
    if (took.length === 0) this.fail(p, 'no source is running');
    else this.maybeComplete(p);
    return done;
  }

  private onSnapshot(id: string, checkpointId: number | 'end', snapshot: StateSnapshot | Promise<StateSnapshot>): void {
    if (checkpointId === 'end') {
      this.ended.set(id, snapshot);
      if (snapshot instanceof Promise) snapshot.catch(() => undefined);
      return;
    }
    const p = this.pending.get(checkpointId);
    if (!p) {
      if (snapshot instanceof Promise) snapshot.catch(() => undefined);
      return;
    }
    const write = (async () => {
      try {
        const snap = await snapshot;
        p.snapshots.set(id, snap);
        await this.backend.write(checkpointId, id, snap);
      } catch (e) {
        this.fail(p, `"${id}" could not store its snapshot in the ${this.backend.name} backend`, e);
        return;
      }
      p.waiting.delete(id);
      this.maybeComplete(p);
    })();
    p.writes.push(write);
  }

  private fail(p: Pending, reason: string, cause?: unknown): void {
    if (p.failed || !this.pending.has(p.id)) return;
    p.failed = new CheckpointFailedError(reason, p.id, cause === undefined ? {} : { cause });
    p.cancelTimeout();
    this.pending.delete(p.id);
    this.lastCompletedAt = this.clock.now();
    this.options.onCheckpointFailed?.(p.failed);
    p.reject(p.failed);
  }

  private maybeComplete(p: Pending): void {
    if (p.completing || p.waiting.size > 0 || p.sinksWaiting.size > 0 || p.failed || !this.pending.has(p.id)) return;
    p.completing = true;
    p.cancelTimeout();
    void this.complete(p, false);
  }

  private async complete(p: Pending, final: boolean): Promise<void> {
    const operators: Record<string, { type: string; checksum: string; entries: number }> = {};
    for (const [op, snap] of p.snapshots) {
      operators[op] = { type: this.participants.get(op)?.type ?? 'unknown', checksum: checksum(JSON.stringify(snap)), entries: snap.length };
    }
    const meta: CheckpointMetadata = {
      version: 1,
      id: p.id,
      timestamp: p.barrier.timestamp,
      savepoint: p.barrier.savepoint,
      final,
      backend: this.backend.name,
      positions: p.positions,
      operators,
    };
    let path: string;
    try {
      path = await this.storage.save(meta);
      if (p.barrier.savepoint) {
        const state: Record<string, StateSnapshot> = {};
        for (const [op, snap] of p.snapshots) state[op] = snap;
        this.pendingSavepointPaths.set(p.id, await this.storage.saveSavepoint({ ...meta, state }, p.savepointTarget));
      }
    } catch (e) {
      this.fail(p, `checkpoint storage ${this.storage.location} could not store it`, e);
      return;
    }
    this.pending.delete(p.id);
    // Older checkpoints still in flight are subsumed by this one.
    for (const older of [...this.pending.values()].filter((o) => o.id < p.id)) this.fail(older, `subsumed by checkpoint ${p.id}`);
    this.lastCompletedAt = this.clock.now();
    this.completed.push(p.id);
    this.options.onCheckpointComplete?.(meta, path);
    for (const participant of this.participants.values()) await participant.notifyComplete?.(p.id);
    await this.retain();
    p.resolve(meta);
  }

  private async retain(): Promise<void> {
    const ids = await this.storage.list();
    const drop = Math.max(0, ids.length - this.retained);
    for (const old of ids.slice(0, drop)) {
      await this.storage.remove(old);
      await this.backend.discard(old);
    }
    const kept = ids.slice(drop);
    for (const participant of this.participants.values()) await participant.notifyRetained?.(kept);
  }

  private withTimeout<T>(work: T | Promise<T>, op: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cancel = this.clock.schedule(() => reject(new Error(`timed out after ${this.timeoutMs} ms waiting for ${op}`)), this.timeoutMs);
      Promise.resolve(work).then(
        (v) => {
          cancel();
          resolve(v);
        },
        (e: unknown) => {
          cancel();
          reject(e);
        },
      );
    });
  }

  /** At end of input every participant reported an 'end' snapshot: make that a checkpoint, then commit. */
  private async finalCheckpoint(): Promise<void> {
    if (this.participants.size === 0) return;
    const id = ++this.lastId;
    const p: Pending = {
      id,
      barrier: checkpointBarrier(id, this.clock.now()),
      positions: { ...this.endPositions },
      waiting: new Set(),
      sinksWaiting: new Set(),
      snapshots: new Map(),
      writes: [],
      failed: undefined,
      completing: false,
      cancelTimeout: () => undefined,
      done: Promise.resolve(undefined as never),
      resolve: () => undefined,
      reject: (e) => {
        throw e;
      },
      savepointTarget: undefined,
    };
    for (const op of this.participants.keys()) {
      const snap = this.ended.get(op);
      if (!snap) throw new CheckpointFailedError(`"${op}" did not report its state at end of input`, id);
      let value: StateSnapshot;
      try {
        value = await this.withTimeout(snap, op);
        await this.withTimeout(this.backend.write(id, op, value), op);
      } catch (e) {
        throw new CheckpointFailedError(`"${op}" could not store its final snapshot in the ${this.backend.name} backend`, id, { cause: e });
      }
      p.snapshots.set(op, value);
    }
    this.pending.set(id, p);
    await this.complete(p, true);
  }
}

function checkShape(meta: CheckpointMetadata, graph: GraphDescription): void {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const [op, info] of Object.entries(meta.operators)) {
    const node = nodes.get(op);
    if (!node) throw new StateMismatchError(`checkpoint ${meta.id} holds state for operator "${op}", which this pipeline no longer has`, op);
    if (node.type !== info.type) {
      throw new StateMismatchError(`checkpoint ${meta.id} holds ${info.type} state for "${op}", but that node is now a ${node.type}`, op);
    }
  }
  for (const source of Object.keys(meta.positions)) {
    if (!nodes.has(source)) throw new StateMismatchError(`checkpoint ${meta.id} holds a position for source "${source}", which this pipeline no longer has`, source);
  }
}

function positive(name: string, v: number): number {
  if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
    throw new InvalidArgumentError(`CheckpointCoordinator: ${name} must be a positive number, got ${String(v)}`);
  }
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) {
    throw new InvalidArgumentError(`CheckpointCoordinator: ${name} must be a non-negative number, got ${String(v)}`);
  }
  return v;
}
