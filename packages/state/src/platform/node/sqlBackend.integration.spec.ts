import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlBackend } from '@streamweave/state/node';
import { backendConformance } from '../../../test/backendConformance.js';
import { moduleLoads, serviceUp } from '../../../test/services.js';

const job = `sw-test-${process.pid}-${Date.now()}`;
const require_ = createRequire(__filename);

if (serviceUp('postgresql', 5432)) {
  backendConformance('postgresql', () =>
    sqlBackend({ knex: { client: 'pg', connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } }, job }),
  );
} else {
  describe.skip('postgresql backend (server absent)', () => undefined);
}

if (serviceUp('mariadb', 3306)) {
  backendConformance('mariadb', () =>
    sqlBackend({ knex: { client: 'mysql2', connection: { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } }, job }),
  );
} else {
  describe.skip('mariadb backend (server absent)', () => undefined);
}

if (moduleLoads('sqlite (better-sqlite3)', () => new (require_('better-sqlite3'))(':memory:').close())) {
  const dir = mkdtempSync(join(tmpdir(), 'sw-sqlite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  backendConformance('sqlite', () => sqlBackend({ knex: { client: 'better-sqlite3', connection: { filename: join(dir, 'state.db') } }, job }));
} else {
  describe.skip('sqlite backend (better-sqlite3 cannot load)', () => undefined);
}

describe('sql backend failures', () => {
  it('fails a write with the driver reason when the database is unreachable', async () => {
    const backend = sqlBackend({ knex: { client: 'pg', connection: { host: '127.0.0.1', port: 1, user: 'postgres', database: 'test' } } });
    await expect(backend.write(1, 'op', [['a', '1']])).rejects.toThrow(/ECONNREFUSED|connect/);
    await backend.close();
  });
});
