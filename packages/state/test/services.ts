/**
 * The skip/require rule for tests against real servers: a spec skips with a printed
 * reason when its server is absent, but fails when STREAMWEAVE_REQUIRE_SERVICES=1.
 */
import { spawnSync } from 'node:child_process';

/** Probes a TCP port synchronously (at collection time, so jest can skip whole blocks). */
export function serviceUp(name: string, port: number, host = '127.0.0.1'): boolean {
  const script = `const s=require('node:net').connect(${port},${JSON.stringify(host)});s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(2),1500);`;
  const ok = spawnSync(process.execPath, ['-e', script]).status === 0;
  return decide(name, ok, `nothing listens on ${host}:${port}`);
}

/** Checks that a module loads (native addons such as better-sqlite3). */
export function moduleLoads(name: string, load: () => unknown): boolean {
  let reason = '';
  try {
    load();
  } catch (e) {
    reason = (e as Error).message.split('\n')[0]!;
  }
  return decide(name, reason === '', reason);
}

function decide(name: string, ok: boolean, reason: string): boolean {
  if (ok) return true;
  if (process.env.STREAMWEAVE_REQUIRE_SERVICES === '1') {
    throw new Error(`${name} is required (STREAMWEAVE_REQUIRE_SERVICES=1) but unavailable: ${reason}`);
  }
  console.warn(`skipping ${name} tests: ${reason}`);
  return false;
}
