/**
 * A redis-server owned by one test, on a free port with its own data dir, so it can be
 * killed, restarted or given a password without touching the machine's shared Redis. By
 * default the append-only file is on (as a deployment that must survive restarts
 * configures it).
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binariesAvailable, freePort, requireService, until } from '@streamweave/testing/node';

/**
 * True when redis-server and redis-cli are installed; otherwise prints why the tests
 * skip, or throws when STREAMWEAVE_REQUIRE_SERVICES=1.
 */
export function privateRedisAvailable(what = 'Redis restart'): boolean {
  const absent = binariesAvailable(['redis-server', 'redis-cli']);
  return requireService(what, absent.length === 0, `${absent.join(' and ')} not installed`);
}

/** How to configure a private server. */
export interface PrivateRedisOptions {
  /** Append-only file on (default true); off, the server keeps nothing across a kill. */
  readonly appendonly?: boolean;
  /** `requirepass` of the default user; redis-cli authenticates with it. */
  readonly password?: string;
  /** ACL users, each a `user` directive's words, e.g. `['alice', 'on', '>pw', '~*', '&*', '+@all']`. */
  readonly users?: ReadonlyArray<readonly string[]>;
}

/** A running private redis-server. */
export interface PrivateRedis {
  readonly port: number;
  /** Kills the server with SIGKILL (no shutdown save: only the append-only file survives). */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir; resolves once it answers PING (AOF loaded). */
  start(): Promise<void>;
  pid(): number;
  /** redis-cli on this server, blocking; stdout lines. */
  cli(...args: Array<string | number>): string[];
  /** redis-cli with commands on stdin, not blocking the event loop; stdout lines. Rejects when redis-cli fails. */
  pipe(commands: readonly string[]): Promise<string[]>;
  /** Kills the server and removes its files. */
  destroy(): Promise<void>;
}

/** Starts a redis-server in /tmp/redis-* on a free port. */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-'));
  const persistence = options.appendonly === false ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'everysec'];
  const auth = options.password === undefined ? [] : ['--requirepass', options.password];
  const users = (options.users ?? []).flatMap((words) => ['--user', ...words]);
  // redis-cli reads the password from the environment: no warning, nothing on its command line.
  const env = options.password === undefined ? process.env : { ...process.env, REDISCLI_AUTH: options.password };
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const lines = (out: string) => out.split('\n').filter((l) => l !== '');
  const server: PrivateRedis = {
    port,
    async kill() {
      child?.kill('SIGKILL');
      await exited;
      child = undefined;
    },
    async start() {
      const c = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, ...auth, ...users, '--dir', dir, '--logfile', join(dir, 'log')],
        { stdio: 'ignore' },
      );
      child = c;
      exited = new Promise((resolve) => c.once('exit', () => resolve()));
      await until(
        () => {
          if (c.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${c.exitCode}; see ${join(dir, 'log')}`);
          return spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8', env }).stdout.trim() === 'PONG';
        },
        10_000,
        `redis-server on port ${port} to answer PING`,
      );
    },
    pid: () => child?.pid ?? -1,
    cli(...args) {
      const r = spawnSync('redis-cli', ['-p', String(port), ...args.map(String)], { encoding: 'utf8', env });
      if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${r.stderr}`);
      return lines(r.stdout);
    },
    pipe(commands) {
      return new Promise((resolve, reject) => {
        const p = execFile('redis-cli', ['-p', String(port)], { encoding: 'utf8', env }, (e, stdout, stderr) =>
          e ? reject(new Error(`redis-cli failed: ${stderr || e.message}`)) : resolve(lines(stdout)),
        );
        p.stdin!.on('error', () => undefined);
        p.stdin!.end(commands.join('\n') + '\n');
      });
    },
    async destroy() {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
