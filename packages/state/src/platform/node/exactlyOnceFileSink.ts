import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { type FileHandle, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type Consumer, InvalidArgumentError, type NodeOptions } from '@streamweave/core';
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

/** A file transaction: an in-progress temp file and the part file it becomes. */
type FileTxn = { readonly tmp: string; readonly final: string };

/**
 * Exactly-once file sink: each transaction writes a hidden in-progress file, which is
 * fsynced at the checkpoint barrier (pre-commit) and renamed atomically to its part
 * file when the checkpoint completes (commit). Part numbers are deterministic, so a
 * replay after a crash rewrites the same parts; leftovers of the lost attempt are
 * removed on restore. Read the output as the part files in name order.
 *
 * @example
 * ```ts
 * await coordinator.run(pipeline().from(src).pipe(agg).to(exactlyOnceFileSink({ dir: './out', name: 'out' })));
 * ```
 * @see {@link twoPhaseCommitSink}, {@link readPartFiles}
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
    const open_ = new Map<string, { fh: Promise<FileHandle>; chunks: string[]; size: number }>();
    const flush = async (txn: FileTxn) => {
      const f = open_.get(txn.tmp)!;
      if (f.chunks.length === 0) return;
      const text = f.chunks.join('');
      f.chunks = [];
      f.size = 0;
      await (await f.fh).write(text);
    };
    const partName = (seq: number) => `${prefix}-${String(seq).padStart(9, '0')}`;
    return {
      beginTransaction(seq) {
        const txn = { tmp: join(dir, `.${partName(seq)}.${randomBytes(4).toString('hex')}.inprogress`), final: join(dir, partName(seq)) };
        open_.set(txn.tmp, { fh: open(txn.tmp, 'w'), chunks: [], size: 0 });
        return txn;
      },
      write(txn, item) {
        const f = open_.get(txn.tmp)!;
        const text = serialize(item);
        f.chunks.push(text);
        f.size += text.length;
        if (f.size >= limit) return flush(txn);
      },
      async preCommit(txn) {
        await flush(txn);
        const fh = await open_.get(txn.tmp)!.fh;
        await fh.sync();
        await fh.close();
        open_.delete(txn.tmp);
      },
      async commit(txn) {
        try {
          await rename(txn.tmp, txn.final);
        } catch (e) {
          // Already committed before a crash: the temp file is gone and the part exists.
          if ((e as NodeJS.ErrnoException).code === 'ENOENT' && (await exists(txn.final))) return;
          throw e;
        }
        await syncDir(dir);
      },
      async abort(txn) {
        const f = open_.get(txn.tmp);
        open_.delete(txn.tmp);
        if (f) await (await f.fh).close().catch(() => undefined);
        await unlink(txn.tmp).catch(() => undefined);
      },
      async recover(nextSeq) {
        const hidden = new RegExp(`^\\.${escape(prefix)}-\\d{9}\\.[0-9a-f]+\\.inprogress$`);
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
