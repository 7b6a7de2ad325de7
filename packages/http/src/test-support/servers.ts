/** Helpers for tests: real servers on 127.0.0.1 with ephemeral ports. */
import { type IncomingMessage, type Server, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(listener: (req: IncomingMessage, res: ServerResponse) => unknown): Promise<Listening> {
  const server = createServer((req, res) => void listener(req, res));
  return listenServer(server);
}

export async function listenServer(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const ndjson = (rows: readonly unknown[]): string => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

/** Parses an NDJSON response text. */
export const parseNdjson = (text: string): unknown[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);

/** A streaming POST with node:http so the test controls when the body ends. */
export function streamingPost(url: string, headers: Record<string, string> = {}) {
  const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...headers } });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  return { req, response };
}

export async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A hand-fed source: push items, then end. */
export function handFed<T>() {
  const items: T[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  async function* gen(): AsyncGenerator<T> {
    for (;;) {
      while (items.length > 0) yield items.shift()!;
      if (ended) return;
      await new Promise<void>((r) => (wake = r));
    }
  }
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    iterable: gen(),
    push(...xs: T[]) {
      items.push(...xs);
      poke();
    },
    end() {
      ended = true;
      poke();
    },
  };
}
