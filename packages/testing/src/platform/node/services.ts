/// <reference types="node" />
/**
 * Node-only plumbing for tests against real servers: free ports, a synchronous port
 * probe (so jest can skip whole blocks at collection time), the skip/require rule of
 * service-backed specs, installed-executable checks and a polling wait.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/**
 * A free TCP port on `host` (asked of the OS, then released), for a server a test starts itself.
 *
 * @param host - the interface to bind while asking (default `127.0.0.1`)
 * @returns the port number
 * @example
 * ```ts
 * const port = await freePort();
 * spawn('redis-server', ['--port', String(port)]);
 * ```
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Whether a TCP connection to `host:port` succeeds, probed synchronously in a child
 * `node` process, so it can decide `describe` vs `describe.skip` while jest collects tests.
 *
 * @param port - the TCP port
 * @param host - the host (default `127.0.0.1`)
 * @param timeoutMs - how long the connection may take before the port counts as closed (default 1500)
 * @returns true when the connection was accepted in time
 * @example
 * ```ts
 * const up = requireService('Redis integration', portOpenSync(6379), 'Redis not reachable at 127.0.0.1:6379');
 * (up ? describe : describe.skip)('against Redis', () => { ... });
 * ```
 */
export function portOpenSync(port: number, host = '127.0.0.1', timeoutMs = 1500): boolean {
  const script =
    `const s=require('node:net').connect(${JSON.stringify(port)},${JSON.stringify(host)});` +
    `s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(2),${JSON.stringify(timeoutMs)});`;
  return spawnSync(process.execPath, ['-e', script]).status === 0;
}

/**
 * The skip/require rule of service-backed specs. Returns true when `available`; otherwise
 * throws when `STREAMWEAVE_REQUIRE_SERVICES=1` (a CI run that must not skip), or prints
 * `skipping <name> tests: <reason>` and returns false.
 *
 * @param name - what is skipped, as in "skipping `name` tests" (e.g. `Redis integration`)
 * @param available - whether the service (or what starting one needs) is there
 * @param reason - why it is not, when it is not
 * @returns whether the tests can run
 * @throws Error when unavailable and `STREAMWEAVE_REQUIRE_SERVICES=1`
 * @example
 * ```ts
 * const missing = binariesAvailable(['redis-server', 'redis-cli']);
 * const ok = requireService('Redis restart', missing.length === 0, `${missing.join(' and ')} not installed`);
 * (ok ? describe : describe.skip)('across a restart', () => { ... });
 * ```
 */
export function requireService(name: string, available: boolean, reason: string): boolean {
  if (available) return true;
  if (process.env.STREAMWEAVE_REQUIRE_SERVICES === '1') {
    throw new Error(`${name} tests are required (STREAMWEAVE_REQUIRE_SERVICES=1) but cannot run: ${reason}`);
  }
  console.warn(`skipping ${name} tests: ${reason}`);
  return false;
}

/** Directories searched after PATH: server binaries often live in an sbin dir that is not on a user's PATH. */
const sbinDirs = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

const isExecutableFile = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * Which of the given executables are missing: a name with a `/` is checked as a path,
 * any other is looked up in the directories of `PATH`, then `/usr/local/sbin`,
 * `/usr/sbin` and `/sbin`. Nothing is run.
 *
 * @param names - executable names (or paths)
 * @returns the names not found as executable files, in the given order (empty when all are there)
 * @example
 * ```ts
 * binariesAvailable(['mosquitto', 'mosquitto_pub']); // [] when both are installed, ['mosquitto'] when the broker is not
 * ```
 */
export function binariesAvailable(names: readonly string[]): string[] {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== ''), ...sbinDirs];
  return names.filter((name) => (name.includes('/') ? !isExecutableFile(name) : !dirs.some((d) => isExecutableFile(join(d, name)))));
}

/**
 * Polls `check` every 20 ms until it returns true; rejects once `ms` milliseconds have
 * passed without that (`timed out after <ms> ms waiting for <what>`), or as soon as
 * `check` throws or rejects.
 *
 * @param check - the condition (may be async)
 * @param ms - the time limit in milliseconds
 * @param what - what is awaited, for the timeout message
 * @example
 * ```ts
 * await until(() => received.length >= 100, 20_000, 'the first 100 messages');
 * ```
 */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
