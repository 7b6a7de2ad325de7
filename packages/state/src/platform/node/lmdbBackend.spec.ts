import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lmdbBackend } from '@streamweave/state/node';
import { backendConformance } from '../../../test/backendConformance.js';

const dir = mkdtempSync(join(tmpdir(), 'sw-lmdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

backendConformance('lmdb', () => lmdbBackend({ path: join(dir, 'db') }));
