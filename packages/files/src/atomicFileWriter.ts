/**
 * Atomic file finalize: write to a temporary file in the target's directory, then
 * fsync and rename it over the target. Readers see the old file or the complete
 * new one, never a partial write. This is the building block of exactly-once file
 * sinks: the state package's two-phase-commit sink pre-commits (fsync the temp
 * file, record its name in the checkpoint) on a barrier and commits (rename) when
 * the checkpoint completes, or aborts (delete) on recovery.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError } from '@streamweave/core';
import { FileError } from './fileError.js';
import { requirePath } from './internal/options.js';

type State = 'open' | 'preCommitted' | 'committed' | 'aborted';

/**
 * A file being written atomically. Create it with {@link openAtomic} (or
 * `AtomicFileWriter.open`); after a restart, reattach to a pre-committed temporary
 * file with `AtomicFileWriter.resume(path, tempPath)` to commit or abort it.
 *
 * - `write(data)` appends to the temporary file `.<name>.<random>.tmp` (same directory, so the rename is atomic);
 * - `preCommit()` flushes and fsyncs it and closes it: the data is durable, not yet visible;
 * - `commit()` pre-commits if needed, renames temp → final and fsyncs the directory;
 * - `abort()` deletes the temporary file. Both are idempotent.
 *
 * @example
 * ```ts
 * const w = await openAtomic('out/report.json');
 * await w.write(JSON.stringify(report));
 * await w.commit(); // out/report.json appears complete, or not at all
 * ```
 * @see {@link atomicWrite}, {@link writeLines}
 */
export class AtomicFileWriter {
  private state: State;
  private bytes = 0;

  private constructor(
    /** The final path. */
    readonly path: string,
    /** The temporary file (record it in a checkpoint to commit or abort it after a restart). */
    readonly tempPath: string,
    private handle: FileHandle | undefined,
  ) {
    this.state = handle ? 'open' : 'preCommitted';
  }

  /** Creates the temporary file next to `path` and returns a writer. */
  static async open(path: string): Promise<AtomicFileWriter> {
    requirePath('openAtomic', path);
    const tempPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    let handle: FileHandle;
    try {
      handle = await open(tempPath, 'wx');
    } catch (e) {
      throw new FileError('cannot create temporary file for atomic write', { path: tempPath, offset: 0, cause: e });
    }
    return new AtomicFileWriter(path, tempPath, handle);
  }

  /**
   * Reattaches to a temporary file written and pre-committed by an earlier process
   * (recovery of a two-phase commit): the result can only be committed or aborted.
   */
  static resume(path: string, tempPath: string): AtomicFileWriter {
    requirePath('AtomicFileWriter.resume', path);
    requirePath('AtomicFileWriter.resume', tempPath);
    if (dirname(tempPath) !== dirname(path)) {
      throw new InvalidArgumentError('AtomicFileWriter.resume: the temporary file must be in the same directory as the target');
    }
    return new AtomicFileWriter(path, tempPath, undefined);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.bytes;
  }

  /** Appends `data` (a string is written as UTF-8). */
  async write(data: string | Uint8Array): Promise<void> {
    if (this.state !== 'open' || !this.handle) throw this.misuse('write');
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      await this.handle.write(buf, 0, buf.byteLength, null);
    } catch (e) {
      throw new FileError('cannot write temporary file', { path: this.tempPath, offset: this.bytes, cause: e });
    }
    this.bytes += buf.byteLength;
  }

  /** Makes the written data durable (fsync) and closes the temporary file; no more writes. Idempotent. */
  async preCommit(): Promise<void> {
    if (this.state === 'preCommitted') return;
    if (this.state !== 'open' || !this.handle) throw this.misuse('preCommit');
    const handle = this.handle;
    try {
      await handle.sync();
    } catch (e) {
      throw new FileError('cannot fsync temporary file', { path: this.tempPath, offset: this.bytes, cause: e });
    } finally {
      this.handle = undefined;
      await handle.close().catch(() => undefined);
    }
    this.state = 'preCommitted';
  }

  /** Pre-commits if needed, renames the temporary file over the target and fsyncs the directory. Idempotent. */
  async commit(): Promise<void> {
    if (this.state === 'committed') return;
    if (this.state === 'aborted') throw this.misuse('commit');
    await this.preCommit();
    try {
      await rename(this.tempPath, this.path);
    } catch (e) {
      throw new FileError('cannot rename temporary file into place', { path: this.path, offset: this.bytes, cause: e });
    }
    this.state = 'committed';
    await syncDirectory(dirname(this.path));
  }

  /** Deletes the temporary file (missing is fine). Idempotent; a committed file is left alone. */
  async abort(): Promise<void> {
    if (this.state === 'aborted' || this.state === 'committed') return;
    this.state = 'aborted';
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
    try {
      await unlink(this.tempPath);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') {
        throw new FileError('cannot delete temporary file', { path: this.tempPath, offset: 0, cause: e });
      }
    }
  }

  private misuse(op: string): FileError {
    return new FileError(`cannot ${op}: the atomic writer is ${this.state}`, { path: this.path, offset: this.bytes });
  }
}

/** Persists the rename itself: without a directory fsync a crash may forget it. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms and file systems (Windows, some network mounts) cannot fsync a directory; the rename stands.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Opens an {@link AtomicFileWriter} for `path`.
 *
 * @example
 * ```ts
 * const w = await openAtomic('state/offsets.json');
 * await w.write('{"partition-0": 42}');
 * await w.commit();
 * ```
 * @see {@link atomicWrite}
 */
export function openAtomic(path: string): Promise<AtomicFileWriter> {
  return AtomicFileWriter.open(path);
}

/**
 * Replaces `path` with `data` atomically (temp file, fsync, rename, directory
 * fsync); on failure the temporary file is removed and `path` is untouched.
 *
 * @example
 * ```ts
 * await atomicWrite('config.json', JSON.stringify(config));
 * ```
 * @see {@link openAtomic}
 */
export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const w = await AtomicFileWriter.open(path);
  try {
    await w.write(data);
    await w.commit();
  } catch (e) {
    await w.abort().catch(() => undefined);
    throw e;
  }
}
