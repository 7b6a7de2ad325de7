/**
 * A durable StateBackend for the aggregate chaos job: one JSON file per checkpoint and
 * operator, written atomically (temp file, fsync, rename). The state package's lmdb backend
 * is a native addon this package does not depend on; for a SIGKILL test, files are as durable.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateBackend, StateSnapshot } from '@streamweave/state';

export function fileBackend(dir: string): StateBackend {
  const path = (checkpointId: number, op: string) => join(dir, String(checkpointId), `${encodeURIComponent(op)}.json`);
  return {
    name: `file:${dir}`,
    async write(checkpointId, op, snapshot) {
      const target = path(checkpointId, op);
      mkdirSync(join(dir, String(checkpointId)), { recursive: true });
      const tmp = `${target}.${process.pid}.tmp`;
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(JSON.stringify(snapshot));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, target);
    },
    async read(checkpointId, op) {
      try {
        return JSON.parse(await readFile(path(checkpointId, op), 'utf8')) as StateSnapshot;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async discard(checkpointId) {
      rmSync(join(dir, String(checkpointId)), { recursive: true, force: true });
    },
    async close() {},
  };
}
