import type { JsonValue } from '@streamweave/core';
import { CorruptCheckpointError } from './errors.js';
import { checksum } from './internal/checksum.js';

/**
 * What a complete checkpoint (or savepoint) records: source positions, and for
 * every stateful participant the checksum of the snapshot the backend holds.
 * A savepoint also carries the state itself, so it is portable across backends
 * and restarts.
 */
export interface CheckpointMetadata {
  /** Format version. */
  readonly version: 1;
  /** Checkpoint id (monotonic per job). */
  readonly id: number;
  /** Trigger time (ms since the epoch, from the coordinator's clock). */
  readonly timestamp: number;
  /** True for savepoints. */
  readonly savepoint: boolean;
  /** True when taken at end of input (every source ended). */
  readonly final: boolean;
  /** Name of the backend that holds the snapshots. */
  readonly backend: string;
  /** Source positions keyed by source node id. */
  readonly positions: Readonly<Record<string, JsonValue>>;
  /** Participants (operators, sinks) keyed by node id. */
  readonly operators: Readonly<Record<string, { readonly type: string; readonly checksum: string; readonly entries: number }>>;
  /** Inline state (savepoints only): node id → entries. */
  readonly state?: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>>;
}

/**
 * Where checkpoint metadata lives. Writes are atomic, reads verify checksums and
 * throw `CorruptCheckpointError` naming the path.
 *
 * @example
 * ```ts
 * const storage = memoryCheckpointStorage();
 * await storage.save(meta);
 * ```
 * @see `memoryCheckpointStorage` in `@streamweave/state`, `localCheckpointStorage` in `@streamweave/state/node`
 */
export interface CheckpointStorage {
  /** Human-readable location (a directory path, `memory:`…). */
  readonly location: string;
  /** Atomically stores a complete checkpoint; returns where. */
  save(meta: CheckpointMetadata): Promise<string>;
  /** Ids of stored checkpoints, ascending. */
  list(): Promise<number[]>;
  /** Loads and verifies checkpoint `id`. */
  load(id: number): Promise<CheckpointMetadata>;
  /** Deletes checkpoint `id` (retention). */
  remove(id: number): Promise<void>;
  /** Atomically writes a savepoint (state inlined) to `target` (default: inside the storage); returns its path. */
  saveSavepoint(meta: CheckpointMetadata, target?: string): Promise<string>;
  /** Loads and verifies a savepoint from a path returned by `saveSavepoint`. */
  loadSavepoint(path: string): Promise<CheckpointMetadata>;
}

/** Serializes metadata with its checksum on the first line. @internal */
export function encodeMetadata(meta: CheckpointMetadata): string {
  const body = JSON.stringify(meta);
  return `streamweave-checkpoint ${checksum(body)} ${body.length}\n${body}`;
}

/** Parses and verifies what {@link encodeMetadata} wrote; throws {@link CorruptCheckpointError} naming `path`. @internal */
export function decodeMetadata(text: string, path: string): CheckpointMetadata {
  const nl = text.indexOf('\n');
  const header = nl < 0 ? text : text.slice(0, nl);
  const m = /^streamweave-checkpoint ([0-9a-f]{16}) (\d+)$/.exec(header);
  if (!m) throw new CorruptCheckpointError('checkpoint header is missing or damaged', path);
  const body = text.slice(nl + 1);
  if (body.length !== Number(m[2])) {
    throw new CorruptCheckpointError(`checkpoint is truncated: ${body.length} of ${m[2]} characters`, path);
  }
  if (checksum(body) !== m[1]) throw new CorruptCheckpointError('checkpoint checksum mismatch', path);
  let meta: CheckpointMetadata;
  try {
    meta = JSON.parse(body) as CheckpointMetadata;
  } catch (e) {
    throw new CorruptCheckpointError('checkpoint is not valid JSON', path, { cause: e });
  }
  if (meta.version !== 1) throw new CorruptCheckpointError(`unknown checkpoint format version ${String(meta.version)}`, path);
  return meta;
}

/**
 * Checkpoint storage in memory (browser-safe; tests and examples). Stores the
 * encoded text, so checksum verification is exercised exactly as on disk.
 *
 * @example
 * ```ts
 * const coordinator = new CheckpointCoordinator({ storage: memoryCheckpointStorage(), backend: memoryBackend() });
 * ```
 * @see {@link CheckpointStorage}
 */
export function memoryCheckpointStorage(): CheckpointStorage & { files: Map<string, string> } {
  const files = new Map<string, string>();
  const name = (id: number) => `memory:chk-${String(id).padStart(10, '0')}`;
  return {
    location: 'memory:',
    files,
    async save(meta) {
      files.set(name(meta.id), encodeMetadata(meta));
      return name(meta.id);
    },
    async list() {
      return [...files.keys()]
        .filter((k) => k.startsWith('memory:chk-'))
        .map((k) => Number(k.slice('memory:chk-'.length)))
        .sort((a, b) => a - b);
    },
    async load(id) {
      const text = files.get(name(id));
      if (text === undefined) throw new CorruptCheckpointError('checkpoint not found', name(id));
      return decodeMetadata(text, name(id));
    },
    async remove(id) {
      files.delete(name(id));
    },
    async saveSavepoint(meta, target) {
      const path = target ?? `memory:savepoint-${meta.id}`;
      files.set(path, encodeMetadata(meta));
      return path;
    },
    async loadSavepoint(path) {
      const text = files.get(path);
      if (text === undefined) throw new CorruptCheckpointError('savepoint not found', path);
      return decodeMetadata(text, path);
    },
  };
}
