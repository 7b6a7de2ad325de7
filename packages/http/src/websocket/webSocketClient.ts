import {
  type BackoffOptions,
  type Cancel,
  type Clock,
  type Consumer,
  type NodeOptions,
  type Producer,
  InvalidArgumentError,
  backoffDelay,
  defineConsumer,
  defineProducer,
  systemClock,
} from '@streamweave/core';
import { type RawData, WebSocket } from 'ws';
import { type MessageDecoder, type MessageEncoder, jsonFrames, jsonMessages, toBytes } from './messageCodec.js';

/** Options of {@link webSocketClient}. */
export interface WebSocketClientOptions<T> {
  /** Subprotocols to offer. */
  readonly protocols?: string | string[];
  /** Extra handshake headers, such as `authorization: Bearer …`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Delay between reconnect attempts (default 100 ms doubling to 30 s, 20 % jitter). */
  readonly backoff?: BackoffOptions;
  /** Consecutive failed attempts after which the client gives up and its streams fail (default Infinity). */
  readonly maxRetries?: number;
  /** Frame decoder of {@link WebSocketClient.messages} (default {@link jsonMessages}). */
  readonly decode?: MessageDecoder<T>;
  /** Frame encoder of {@link WebSocketClient.sender} (default {@link jsonFrames}). */
  readonly encode?: MessageEncoder<unknown>;
  /** Messages kept while the pipeline is slower than the server (default 256); the socket is paused beyond. */
  readonly maxQueued?: number;
  /** Bytes buffered on the socket before the sender waits (default 1 MiB). */
  readonly highWaterMark?: number;
  /** Clock of the reconnect timers (default the system clock; a VirtualClock in tests). */
  readonly clock?: Clock;
  /** Uniform random numbers in [0, 1) for jitter (seedable in tests). */
  readonly random?: () => number;
}

/** A WebSocket client connection that reconnects with backoff. */
export interface WebSocketClient<T> {
  /** Incoming messages of every connection, in order; completes after {@link WebSocketClient.close}. */
  messages(options?: NodeOptions): Producer<T>;
  /** Sends items on the current connection, waiting while disconnected or while the socket buffers too much. */
  sender(options?: NodeOptions): Consumer<unknown, number>;
  /** Closes for good (no more reconnects). */
  close(): void;
  /** Successful connections so far (1 + reconnects). */
  readonly connects: number;
  /** The open socket, if any. */
  readonly socket: WebSocket | undefined;
}

/**
 * A WebSocket client that reconnects with exponential backoff (on the given
 * clock) when the connection drops or cannot be made, and exposes its traffic
 * as a producer of incoming messages and a consumer of outgoing ones. The
 * connection opens on first use.
 *
 * When to use: subscribing to a remote feed that must survive restarts of the
 * server or the network. Messages sent while disconnected wait (holding
 * backpressure credit); messages the server sent while disconnected are lost
 * unless the server replays them, which WebSocket itself does not do; SSE
 * with `Last-Event-ID` does (see {@link sseSource}).
 *
 * @example
 * ```ts
 * const feed = webSocketClient('ws://127.0.0.1:8080/ticks', { headers: { authorization: `Bearer ${token}` } });
 * await pipeline().from(feed.messages()).pipe(take(100)).to(collect()).run();
 * feed.close();
 * ```
 * @see {@link webSocketSource}, {@link webSocketSink}
 */
export function webSocketClient<T = unknown>(url: string, options: WebSocketClientOptions<T> = {}): WebSocketClient<T> {
  if (typeof url !== 'string' || !/^wss?:\/\//.test(url)) {
    throw new InvalidArgumentError(`webSocketClient: \`url\` must be a ws:// or wss:// URL, got ${JSON.stringify(url)}`);
  }
  const backoff: Required<BackoffOptions> = { initialDelayMs: 100, maxDelayMs: 30_000, factor: 2, jitter: 0.2, ...options.backoff };
  const maxRetries = options.maxRetries ?? Infinity;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const decode = options.decode ?? (jsonMessages as MessageDecoder<T>);
  const encode = options.encode ?? jsonFrames;
  const maxQueued = options.maxQueued ?? 256;
  const highWaterMark = options.highWaterMark ?? 1024 * 1024;

  let socket: WebSocket | undefined;
  let open = false;
  let started = false;
  let closed = false;
  let failure: Error | undefined;
  let failures = 0;
  let connects = 0;
  let cancelRetry: Cancel | undefined;
  const queue: Array<{ data: Uint8Array; isBinary: boolean }> = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };

  const connect = () => {
    cancelRetry = undefined;
    if (closed) return;
    const ws = new WebSocket(url, options.protocols, { headers: { ...options.headers } });
    socket = ws;
    ws.on('open', () => {
      open = true;
      failures = 0;
      connects++;
      notify();
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      queue.push({ data: toBytes(data), isBinary });
      if (queue.length >= maxQueued && !ws.isPaused) ws.pause();
      notify();
    });
    ws.on('error', () => undefined); // 'close' follows and decides what to do
    ws.on('close', () => {
      open = false;
      if (socket === ws) socket = undefined;
      if (closed) return notify();
      failures++;
      if (failures > maxRetries) {
        failure = new Error(`webSocketClient: gave up on ${url} after ${failures} failed attempts`);
        closed = true;
        return notify();
      }
      cancelRetry = clock.schedule(connect, backoffDelay(backoff, failures, random));
      notify();
    });
  };
  const ensureStarted = () => {
    if (!started) {
      started = true;
      connect();
    }
  };
  const wait = (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });

  return {
    messages(nodeOptions) {
      return defineProducer<T>('webSocketClient', { url, maxQueued }, nodeOptions, (ctx) => {
        ensureStarted();
        return {
          async pull(emit, demand) {
            while (queue.length === 0) {
              if (failure) throw failure;
              if (closed) return false;
              if (ctx.signal.aborted) return true;
              await wait(ctx.signal);
            }
            for (let i = 0; i < demand && queue.length > 0; i++) {
              const m = queue.shift()!;
              emit(decode(m.data, m.isBinary));
            }
            if (socket?.isPaused && queue.length <= maxQueued / 2) socket.resume();
            return true;
          },
        };
      });
    },
    sender(nodeOptions) {
      return defineConsumer<unknown, number>('webSocketClientSender', { url, highWaterMark }, nodeOptions, (ctx) => {
        ensureStarted();
        let sent = 0;
        const send = async (frame: string | Uint8Array): Promise<void> => {
          for (;;) {
            if (failure) throw failure;
            if (closed) throw new Error(`webSocketClient: closed before message ${sent} was sent`);
            const ws = socket;
            if (open && ws && ws.readyState === 1) {
              if (ws.bufferedAmount <= highWaterMark) {
                ws.send(frame);
                return;
              }
              await new Promise<void>((resolve) => ws.send(frame, () => resolve()));
              return;
            }
            await wait(ctx.signal);
            if (ctx.signal.aborted) throw new Error('run cancelled');
          }
        };
        return {
          item(value) {
            const frame = encode(value);
            const ws = socket;
            if (open && ws && ws.readyState === 1 && ws.bufferedAmount <= highWaterMark) {
              ws.send(frame);
              sent++;
              return undefined;
            }
            return send(frame).then(() => void sent++);
          },
          complete: () => sent,
        };
      });
    },
    close() {
      closed = true;
      cancelRetry?.();
      cancelRetry = undefined;
      socket?.close(1000, 'client closed');
      notify();
    },
    get connects() {
      return connects;
    },
    get socket() {
      return open ? socket : undefined;
    },
  };
}
