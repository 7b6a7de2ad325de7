import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Cancel, type Clock, type Consumer, type NodeOptions, InvalidArgumentError, defineConsumer, systemClock } from '@streamweave/core';
import { type RequestGuard, checkGuard } from '../bearerToken.js';
import { type Exchange, nodeExchange, webExchange } from '../internal/exchange.js';
import { sendError, type StreamHandler } from '../pipelineHandler.js';

/** Options of {@link sseEndpoint}. */
export interface SseEndpointOptions<T> {
  /** Events kept for `Last-Event-ID` resume (default 1000). */
  readonly replay?: number;
  /** Interval of `: ping` comments that keep idle connections and proxies alive (default 15 000 ms; 0 = none). */
  readonly heartbeatMs?: number;
  /** Reconnection delay advertised to clients with `retry:` (default none: the client's own default). */
  readonly retryMs?: number;
  /** Event name of an item (default: none, i.e. `message`). */
  readonly event?: (item: T) => string | undefined;
  /** Data of an item (default JSON). Newlines are split into several `data:` lines. */
  readonly encode?: (item: T) => string;
  /** Events buffered per client while its connection is slow (default 256); beyond, the client is disconnected and may resume. */
  readonly maxBuffered?: number;
  /** Who may subscribe (default 'none'). */
  readonly auth?: RequestGuard | 'none';
  /** Clock of the heartbeats (default the system clock). */
  readonly clock?: Clock;
  /** End the clients' streams when the publishing run completes (default true). */
  readonly closeOnComplete?: boolean;
}

/** Counters of an {@link SseEndpoint}. */
export interface SseEndpointStats {
  /** Clients currently connected. */
  readonly clients: number;
  /** Events published since the endpoint was created. */
  readonly published: number;
  /** Id of the newest event (-1 before the first). */
  readonly lastId: number;
  /** Clients disconnected for falling behind. */
  readonly disconnected: number;
  /** Clients that resumed from an id older than the replay buffer (they missed events). */
  readonly gaps: number;
}

/** A Server-Sent Events endpoint fed by a pipeline. */
export interface SseEndpoint<T> extends StreamHandler {
  /** The consumer that publishes every item as an event. */
  consumer(options?: NodeOptions): Consumer<T, number>;
  /** Current counters. */
  stats(): SseEndpointStats;
  /** Ends every client stream and stops the heartbeats. */
  close(): void;
}

interface Client {
  readonly ex: Exchange;
  readonly queue: string[];
  blocked: boolean;
}

/**
 * Publishes a stream as Server-Sent Events to any number of clients. Events
 * get increasing numeric ids; a client that reconnects with `Last-Event-ID`
 * (header, or `?lastEventId=` for a first connection) is first sent the events
 * it missed from a bounded replay buffer. Heartbeat comments keep idle
 * connections open. A slow client gets its own bounded buffer and is
 * disconnected (to resume later) rather than slowing the stream or others.
 *
 * When to use: live feeds to browsers (EventSource) and to {@link sseSource}.
 *
 * @example
 * ```ts
 * const feed = sseEndpoint<Tick>({ replay: 500, heartbeatMs: 10_000 });
 * app.get('/ticks', feed.node);
 * pipeline().from(ticks).to(feed.consumer()).start();
 * ```
 * @see {@link sseSource}, {@link sseResponse}
 */
export function sseEndpoint<T = unknown>(options: SseEndpointOptions<T> = {}): SseEndpoint<T> {
  const replaySize = options.replay ?? 1000;
  if (!(replaySize >= 0)) throw new InvalidArgumentError(`sseEndpoint: \`replay\` must be >= 0, got ${String(replaySize)}`);
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxBuffered = options.maxBuffered ?? 256;
  const encode = options.encode ?? ((item: T) => JSON.stringify(item));
  const clock = options.clock ?? systemClock;
  const auth = options.auth ?? 'none';
  const closeOnComplete = options.closeOnComplete ?? true;
  const replay: Array<{ id: number; frame: string }> = [];
  const clients = new Set<Client>();
  let nextId = 0;
  let published = 0;
  let disconnected = 0;
  let gaps = 0;
  let cancelHeartbeat: Cancel | undefined;

  const heartbeat = () => {
    cancelHeartbeat = undefined;
    for (const c of clients) send(c, ': ping\n\n');
    if (clients.size > 0) cancelHeartbeat = clock.schedule(heartbeat, heartbeatMs);
  };
  const drop = (c: Client) => {
    clients.delete(c);
    if (clients.size === 0) {
      cancelHeartbeat?.();
      cancelHeartbeat = undefined;
    }
  };
  const send = (c: Client, frame: string) => {
    if (c.blocked) {
      if (c.queue.length >= maxBuffered) {
        disconnected++;
        drop(c);
        c.queue.length = 0;
        c.ex.end();
        return;
      }
      c.queue.push(frame);
      return;
    }
    const wait = c.ex.write(frame);
    if (!wait) return;
    c.blocked = true;
    void wait.then(() => {
      c.blocked = false;
      const queued = c.queue.splice(0);
      for (const f of queued) if (clients.has(c)) send(c, f);
    });
  };
  const toFrame = (item: T, id: number) => {
    const event = options.event?.(item);
    const data = encode(item)
      .split(/\r\n|\r|\n/)
      .map((l) => `data: ${l}\n`)
      .join('');
    return `id: ${id}\n${event === undefined ? '' : `event: ${event}\n`}${data}\n`;
  };

  const subscribe = (ex: Exchange) => {
    const denied = checkGuard(auth, ex);
    if (denied) return sendError(ex, denied.status, denied.message);
    const q = ex.url.indexOf('?');
    const from = ex.header('last-event-id') ?? new URLSearchParams(q < 0 ? '' : ex.url.slice(q + 1)).get('lastEventId') ?? undefined;
    ex.respond(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    const c: Client = { ex, queue: [], blocked: false };
    clients.add(c);
    ex.onAbort(() => drop(c));
    send(c, options.retryMs === undefined ? ': connected\n\n' : `retry: ${options.retryMs}\n\n`);
    if (from !== undefined && /^-?\d+$/.test(from.trim())) {
      const after = Number(from);
      const oldest = replay[0]?.id ?? nextId;
      if (after + 1 < oldest) {
        gaps++;
        send(c, `: replay gap: events ${after + 1}..${oldest - 1} are no longer buffered\n\n`);
      }
      for (const e of replay) if (e.id > after) send(c, e.frame);
    }
    if (heartbeatMs > 0 && !cancelHeartbeat) cancelHeartbeat = clock.schedule(heartbeat, heartbeatMs);
  };
  const close = () => {
    cancelHeartbeat?.();
    cancelHeartbeat = undefined;
    for (const c of [...clients]) {
      clients.delete(c);
      c.ex.end();
    }
  };

  return {
    consumer(nodeOptions) {
      return defineConsumer<T, number>('sseEndpoint', { replay: replaySize, heartbeatMs, maxBuffered }, nodeOptions, () => {
        let n = 0;
        return {
          item(value) {
            const id = nextId++;
            const frame = toFrame(value as T, id);
            if (replaySize > 0) {
              replay.push({ id, frame });
              if (replay.length > replaySize) replay.shift();
            }
            published++;
            n++;
            for (const c of [...clients]) send(c, frame);
          },
          complete() {
            if (closeOnComplete) close();
            return n;
          },
        };
      });
    },
    stats: () => ({ clients: clients.size, published, lastId: nextId - 1, disconnected, gaps }),
    close,
    fetch(request) {
      const { exchange, response } = webExchange(request);
      subscribe(exchange);
      return response;
    },
    node: async (req: IncomingMessage, res: ServerResponse) => subscribe(nodeExchange(req, res)),
    async fastify(request, reply) {
      reply.hijack();
      subscribe(nodeExchange(request.raw, reply.raw));
    },
    get active() {
      return clients.size;
    },
  };
}
