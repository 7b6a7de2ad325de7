/**
 * A PostgreSQL cluster owned by one test: created with initdb in a temp dir owned by the
 * `postgres` user, on a free port, trust auth, so it can be crashed and restarted without
 * touching the machine's shared server (other suites use it concurrently).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireService } from '@streamweave/testing/node';

/** The bin dir of the newest installed PostgreSQL with initdb and pg_ctl, if any. */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** Why a private cluster cannot be made here, or undefined when it can. */
function missing(): string | undefined {
  if (!binDir()) return 'no initdb / pg_ctl under /usr/lib/postgresql/*/bin';
  if (spawnSync('runuser', ['--help']).status !== 0) return 'runuser is not available';
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) return 'there is no postgres user';
  if (process.getuid?.() !== 0) return 'not running as root (runuser -u postgres needs it)';
  return undefined;
}

/**
 * True when a private cluster can be created; otherwise prints why the tests skip, or
 * throws when STREAMWEAVE_REQUIRE_SERVICES=1.
 */
export function privatePostgresAvailable(): boolean {
  const reason = missing();
  return requireService('PostgreSQL restart', reason === undefined, reason ?? '');
}

/** A running private cluster. */
export interface PrivatePostgres {
  readonly port: number;
  readonly dir: string;
  /** Stops the server: `immediate` aborts every server process (a crash; recovery runs on the next start), `fast` shuts down cleanly. */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  /** Starts it again on the same port and data directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** The postmaster's pid (changes across a restart). */
  pid(): number;
  /** Runs SQL with psql on this server (database `postgres`); rows as tab-separated lines. */
  psql(sql: string): string[];
  /** The same without blocking the event loop (the pipeline under test keeps running). */
  psqlAsync(sql: string): Promise<string[]>;
  /** Stops the server and removes its files. */
  destroy(): void;
}

const asPostgres = (cmd: string, args: string[]) =>
  execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Runs a command without blocking the event loop; rejects with its stderr. */
const run = (cmd: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'utf8' }, (e, stdout, stderr) => (e ? reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || e.message}`)) : resolve(stdout)));
  });
const lines = (out: string) => out.split('\n').filter((l) => l !== '');

/** Creates and starts a private cluster in /tmp/db-pg-*, on a free port. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir()!;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'db-pg-'));
  chmodSync(dir, 0o700);
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const server: PrivatePostgres = {
    port,
    dir,
    async stop(mode = 'immediate') {
      await run('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-m', mode, '-w', 'stop']);
    },
    async start() {
      // The socket lives in the temp dir: the shared server owns /var/run/postgresql.
      await run('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, 'start']);
    },
    pid() {
      return Number(execFileSync('head', ['-1', join(data, 'postmaster.pid')], { encoding: 'utf8' }).trim());
    },
    psql(sql) {
      const r = spawnSync('psql', psqlArgs(sql), { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
      return lines(r.stdout);
    },
    psqlAsync: async (sql) => lines(await run('psql', psqlArgs(sql))),
    destroy() {
      spawnSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const psqlArgs = (sql: string) => ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-AtF', '\t', '-c', sql];
  await server.start();
  return server;
}
