import { mkdirSync } from 'node:fs';
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type Consumer, InvalidArgumentError, type NodeOptions } from '@streamweave/core';
import { AtomicFileWriter, FileError, openAtomic } from '@streamweave/files';
import { type TwoPhaseCommitResult, twoPhaseCommitSink } from '../../twoPhaseCommitSink.js';
import { syncDir } from './localCheckpointStorage.js';

/** Options of {@link exactlyOnceFileSink}. */
export interface ExactlyOnceFileSinkOptions<T> extends NodeOptions {
  /** Directory of the part files. */
  readonly dir: string;
  /** Part file name prefix (default `part`): files are `<prefix>-<000000seq>`. */
  readonly prefix?: string;
  /** Turns an item into its text (default: JSON plus a newline). */
  readonly serialize?: (item: T) => string;
  /** Bytes buffered in memory before a write to the in-progress file (default 64 KiB). */
  readonly bufferBytes?: number;
}

/** A file transaction: the atomic writer's temp file and the part file it becomes (recorded in checkpoints). */
type FileTxn = { readonly tmp: string; readonly final: string };

/**
 * Exactly-once file sink: each transaction writes its part file through an
 * `AtomicFileWriter` of `@streamweave/files` (a hidden temp file), which is fsynced
 * at the checkpoint barrier (`preCommit`) and renamed atomically to its part file
 * when the checkpoint completes (`commit`; after a restart through
 * `AtomicFileWriter.resume`). Part numbers are deterministic, so a
 * replay after a crash rewrites the same parts; leftovers of the lost attempt are
 * removed on restore. Read the output as the part files in name order.
 *
 * @example
 * ```ts
 * await coordinator.run(pipeline().from(src).pipe(agg).to(exactlyOnceFileSink({ dir: './out', name: 'out' })));
 * ```
 * @see `twoPhaseCommitSink` in `@streamweave/state`, {@link readPartFiles}
 */
export function exactlyOnceFileSink<T>(options: ExactlyOnceFileSinkOptions<T>): Consumer<T, TwoPhaseCommitResult> {
  if (!options || typeof options.dir !== 'string' || options.dir === '') {
    throw new InvalidArgumentError('exactlyOnceFileSink: `dir` must be a non-empty directory path');
  }
  const prefix = options.prefix ?? 'part';
  if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) throw new InvalidArgumentError(`exactlyOnceFileSink: invalid prefix ${JSON.stringify(prefix)}`);
  const serialize = options.serialize ?? ((x: T) => `${JSON.stringify(x)}\n`);
  const limit = options.bufferBytes ?? 64 * 1024;
  const dir = options.dir;
  return twoPhaseCommitSink<T, FileTxn>('exactlyOnceFileSink', { dir, prefix }, options, () => {
    mkdirSync(dir, { recursive: true });
    // Writers of this process's open transactions; items are buffered and written in batches.
    const writers = new Map<string, { writer: AtomicFileWriter; chunks: string[]; size: number }>();
    const flush = async (txn: FileTxn) => {
      const f = writers.get(txn.tmp)!;
      if (f.chunks.length === 0) return;
      const text = f.chunks.join('');
      f.chunks = [];
      f.size = 0;
      await f.writer.write(text);
    };
    // A transaction of an earlier process (restored from a checkpoint) has no writer here: reattach to its temp file.
    const writerOf = (txn: FileTxn) => writers.get(txn.tmp)?.writer ?? AtomicFileWriter.resume(txn.final, txn.tmp);
    const partName = (seq: number) => `${prefix}-${String(seq).padStart(9, '0')}`;
    return {
      async beginTransaction(seq) {
        const writer = await openAtomic(join(dir, partName(seq)));
        writers.set(writer.tempPath, { writer, chunks: [], size: 0 });
        return { tmp: writer.tempPath, final: writer.path };
      },
      write(txn, item) {
        const f = writers.get(txn.tmp)!;
        const text = serialize(item);
        f.chunks.push(text);
        f.size += text.length;
        if (f.size >= limit) return flush(txn);
      },
      async preCommit(txn) {
        await flush(txn);
        await writers.get(txn.tmp)!.writer.preCommit();
      },
      async commit(txn) {
        const writer = writerOf(txn);
        writers.delete(txn.tmp);
        try {
          await writer.commit();
        } catch (e) {
          // Already committed before a crash: the temp file is gone and the part exists.
          if (e instanceof FileError && e.code === 'ENOENT' && (await exists(txn.final))) return;
          throw e;
        }
      },
      async abort(txn) {
        const writer = writerOf(txn);
        writers.delete(txn.tmp);
        await writer.abort();
      },
      async recover(nextSeq) {
        // Temp files of lost attempts (`.tmp` from AtomicFileWriter; `.inprogress` from earlier versions of this sink).
        const hidden = new RegExp(`^\\.${escape(prefix)}-\\d{9}\\.[0-9a-f]+\\.(tmp|inprogress)$`);
        const part = new RegExp(`^${escape(prefix)}-(\\d{9})$`);
        for (const f of await readdir(dir)) {
          const m = part.exec(f);
          if (hidden.test(f) || (m && Number(m[1]) >= nextSeq)) await unlink(join(dir, f));
        }
        await syncDir(dir);
      },
    };
  });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the committed output of an {@link exactlyOnceFileSink}: its part files in
 * order, concatenated. In-progress files are never included.
 *
 * @example
 * ```ts
 * const text = await readPartFiles('./out');
 * ```
 * @see {@link exactlyOnceFileSink}
 */
export async function readPartFiles(dir: string, prefix = 'part'): Promise<string> {
  const part = new RegExp(`^${escape(prefix)}-\\d{9}$`);
  const names = (await readdir(dir)).filter((f) => part.test(f)).sort();
  const texts = await Promise.all(names.map((f) => readFile(join(dir, f), 'utf8')));
  return texts.join('');
}
