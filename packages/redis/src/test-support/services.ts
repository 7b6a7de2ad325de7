/** Real-server helpers for the integration specs: the skip/require rule and redis-cli as the independent client. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const port = Number(process.env.STREAMWEAVE_REDIS_PORT ?? 6379);

/** Probes Redis synchronously, so jest can skip whole blocks at collection time. */
export function redisUp(): boolean {
  const script = `const s=require('node:net').connect(${port},'127.0.0.1');s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(2),1500);`;
  if (spawnSync(process.execPath, ['-e', script]).status === 0) return true;
  const reason = `Redis not reachable at 127.0.0.1:${port}`;
  if (process.env.STREAMWEAVE_REQUIRE_SERVICES === '1') throw new Error(`Redis is required (STREAMWEAVE_REQUIRE_SERVICES=1) but unavailable: ${reason}`);
  console.warn(`skipping Redis integration tests: ${reason}`);
  return false;
}

export const unique = (prefix: string) => `sw-test-${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/** Runs redis-cli with arguments; returns its stdout lines. */
export function cli(...args: Array<string | number>): string[] {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args.map(String)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** Adds entries with redis-cli in one call (a pipe of commands). */
export function cliAdd(stream: string, values: readonly string[]): void {
  const r = spawnSync('redis-cli', ['-p', String(port)], { input: values.map((v) => `XADD ${stream} * data ${v}`).join('\n') + '\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-cli XADD failed: ${r.stderr}`);
}

/** Drops every connection named `name` (only this test's clients, never other users'). */
export function killClients(name: string): number {
  const ids = cli('CLIENT', 'LIST')
    .filter((l) => l.includes(` name=${name} `))
    .map((l) => /id=(\d+)/.exec(l)![1]!);
  for (const id of ids) cli('CLIENT', 'KILL', 'ID', id);
  return ids.length;
}

export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
