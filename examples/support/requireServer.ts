/**
 * The preamble of every example that needs a server: when nothing listens at `host:port`
 * it prints why it skipped and exits 0 — unless STREAMWEAVE_REQUIRE_SERVICES=1 (CI), where
 * it fails instead. (The examples runner runs only the files directly in examples/.)
 */
import { createConnection } from 'node:net';

/** Resolves once a TCP connection to `host:port` succeeded; otherwise skips (or fails) the example. */
export async function requireServer(name: string, host: string, port: number): Promise<void> {
  const up = await new Promise<boolean>((resolve) => {
    const s = createConnection(port, host);
    s.setTimeout(1500, () => (s.destroy(), resolve(false)));
    s.on('connect', () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false));
  });
  if (up) return;
  const reason = `${name} not reachable at ${host}:${port}`;
  if (process.env.STREAMWEAVE_REQUIRE_SERVICES === '1') throw new Error(reason);
  console.log(`skipped: ${reason}`);
  process.exit(0);
}
