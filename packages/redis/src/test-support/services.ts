/** Real-server helpers for the integration specs: the skip/require rule and redis-cli as the independent client. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { portOpenSync, requireService } from '@streamweave/testing/node';

export { until } from '@streamweave/testing/node';

export const port = Number(process.env.STREAMWEAVE_REDIS_PORT ?? 6379);

/** Probes Redis synchronously, so jest can skip whole blocks at collection time. */
export const redisUp = (): boolean => requireService('Redis integration', portOpenSync(port), `Redis not reachable at 127.0.0.1:${port}`);

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
