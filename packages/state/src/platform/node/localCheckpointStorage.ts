import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rename, unlink, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type CheckpointStorage, decodeMetadata, encodeMetadata } from '../../checkpointStorage.js';
import { CorruptCheckpointError } from '../../errors.js';

const pattern = /^chk-(\d{10})\.json$/;

/** Writes `text` to `path` atomically and durably: temp file, fsync, rename, fsync of the directory. @internal */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await syncDir(dirname(path));
}

/** fsync of a directory, so a rename in it survives a crash. @internal */
export async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/**
 * Checkpoint metadata in a local directory: one `chk-<id>.json` per complete
 * checkpoint, written atomically (temp file, fsync, rename) with a checksum header,
 * so a torn or edited file is detected and reported with its path. Savepoints go to
 * `<dir>/savepoints/` unless a target path is given.
 *
 * @example
 * ```ts
 * const storage = localCheckpointStorage('./checkpoints');
 * ```
 * @see `CheckpointStorage` in `@streamweave/state`, {@link lmdbBackend}
 */
export function localCheckpointStorage(dir: string): CheckpointStorage {
  mkdirSync(dir, { recursive: true });
  const file = (id: number) => join(dir, `chk-${String(id).padStart(10, '0')}.json`);
  const read = async (path: string) => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new CorruptCheckpointError('checkpoint file cannot be read', path, { cause: e });
    }
    return decodeMetadata(text, path);
  };
  return {
    location: dir,
    async save(meta) {
      await writeFileAtomic(file(meta.id), encodeMetadata(meta));
      return file(meta.id);
    },
    async list() {
      return (await readdir(dir))
        .map((f) => pattern.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => a - b);
    },
    load: (id) => read(file(id)),
    async remove(id) {
      await unlink(file(id)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    },
    async saveSavepoint(meta, target) {
      const path = target ?? join(dir, 'savepoints', `savepoint-${String(meta.id).padStart(10, '0')}.json`);
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, encodeMetadata(meta));
      return path;
    },
    loadSavepoint: (path) => read(path),
  };
}
