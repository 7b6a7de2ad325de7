/** Backends the chaos job can run with. */
import type { StateBackend } from '@streamweave/state';
import { lmdbBackend } from '@streamweave/state/node';

export async function chaosBackend(name: string, work: string): Promise<StateBackend> {
  switch (name) {
    case 'lmdb':
      return lmdbBackend({ path: `${work}/state.lmdb` });
    default:
      throw new Error(`unknown chaos backend ${name}`);
  }
}
