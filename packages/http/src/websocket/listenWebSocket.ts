import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer } from 'ws';
import { type RequestGuard, checkGuard } from '../bearerToken.js';

/** Options of {@link listenWebSocket}. */
export interface ListenWebSocketOptions {
  /** Port (default 0: an ephemeral one). */
  readonly port?: number;
  /** Interface to bind (default 127.0.0.1; pass 0.0.0.0 explicitly to expose it). */
  readonly host?: string;
  /** Path to accept (default any). */
  readonly path?: string;
  /** Guard checked on the upgrade request, such as {@link bearerToken} (default 'none'). */
  readonly auth?: RequestGuard | 'none';
}

/** A listening WebSocket server. */
export interface ListeningWebSocketServer {
  /** The underlying `ws` server; listen for its `connection` events. */
  readonly server: WebSocketServer;
  /** `ws://host:port` */
  readonly url: string;
  /** Terminates every open connection and closes the server. */
  close(): Promise<void>;
}

/**
 * Starts a `ws` WebSocketServer bound to 127.0.0.1 by default, checking a
 * guard (such as a bearer token) on the upgrade request; refused upgrades get
 * the guard's status (401).
 *
 * When to use: a standalone WebSocket endpoint feeding {@link webSocketSource}
 * or a {@link webSocketHub}. To share a port with HTTP, create the
 * WebSocketServer with `{ server }` yourself.
 *
 * @example
 * ```ts
 * const { server, url } = await listenWebSocket({ auth: bearerToken(token) });
 * server.on('connection', (socket) => pipeline().from(webSocketSource(socket)).to(sink).start());
 * ```
 * @see {@link webSocketSource}, {@link webSocketHub}
 */
export async function listenWebSocket(options: ListenWebSocketOptions = {}): Promise<ListeningWebSocketServer> {
  const auth = options.auth ?? 'none';
  const host = options.host ?? '127.0.0.1';
  const server = new WebSocketServer({
    port: options.port ?? 0,
    host,
    ...(options.path === undefined ? {} : { path: options.path }),
    verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
      const denied = checkGuard(auth, {
        header: (name) => {
          const v = info.req.headers[name.toLowerCase()];
          return Array.isArray(v) ? v.join(', ') : v;
        },
      });
      if (denied) done(false, denied.status, denied.message);
      else done(true);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `ws://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of server.clients) c.terminate();
        server.close(() => resolve());
      }),
  };
}
