import { type Consumer, type NodeOptions, InvalidArgumentError, defineConsumer } from '@streamweave/core';
import type { WebSocket, WebSocketServer } from 'ws';
import { type MessageEncoder, jsonFrames } from './messageCodec.js';

/** What a hub does when a subscriber's buffer is full. */
export type HubOverflow = 'dropOldest' | 'disconnect';

/** Options of {@link webSocketHub}. */
export interface WebSocketHubOptions<T> {
  /** Messages buffered per subscriber (default 256). */
  readonly bufferSize?: number;
  /** On a full buffer: drop the subscriber's oldest message (default) or close it with 1013 "try again later". */
  readonly overflow?: HubOverflow;
  /** Bytes a socket may buffer before its queue stops draining into it (default 256 KiB). */
  readonly highWaterMark?: number;
  /** Frame encoder (default {@link jsonFrames}); each item is encoded once for all subscribers. */
  readonly encode?: MessageEncoder<T>;
}

/** Counters of a {@link WebSocketHub}. */
export interface WebSocketHubStats {
  /** Subscribers currently connected. */
  readonly subscribers: number;
  /** Messages dropped from full subscriber buffers (dropOldest). */
  readonly dropped: number;
  /** Subscribers closed for falling behind (disconnect). */
  readonly disconnected: number;
  /** Messages handed to the hub. */
  readonly published: number;
}

/** A broadcast hub: one stream to many WebSocket subscribers. */
export interface WebSocketHub<T> {
  /** The consumer that broadcasts every item to the current subscribers. */
  consumer(options?: NodeOptions): Consumer<T, number>;
  /** Adds a subscriber; it is removed when it closes. */
  add(socket: WebSocket): void;
  /** Adds every connection of a `WebSocketServer`. Returns a function that stops adding. */
  attach(server: WebSocketServer): () => void;
  /** Current counters. */
  stats(): WebSocketHubStats;
}

interface Subscriber {
  readonly socket: WebSocket;
  readonly queue: Array<string | Uint8Array>;
  waiting: boolean;
}

/**
 * Broadcasts a stream to many WebSocket subscribers. Each subscriber has its
 * own bounded buffer, drained as fast as its socket takes it: a slow or stuck
 * subscriber never slows the stream or the others; when its buffer is full the
 * hub drops its oldest message (counted) or disconnects it, per `overflow`.
 *
 * When to use: live dashboards, tickers, notifications: fan-out where the
 * stream must not wait for its slowest reader.
 *
 * @example
 * ```ts
 * const hub = webSocketHub({ bufferSize: 100, overflow: 'dropOldest' });
 * hub.attach(wss);
 * pipeline().from(prices).to(hub.consumer()).start();
 * ```
 * @see {@link webSocketSink} for one peer with end-to-end backpressure.
 */
export function webSocketHub<T = unknown>(options: WebSocketHubOptions<T> = {}): WebSocketHub<T> {
  const bufferSize = options.bufferSize ?? 256;
  if (!(bufferSize >= 1)) throw new InvalidArgumentError(`webSocketHub: \`bufferSize\` must be >= 1, got ${String(bufferSize)}`);
  const overflow = options.overflow ?? 'dropOldest';
  if (overflow !== 'dropOldest' && overflow !== 'disconnect') {
    throw new InvalidArgumentError(`webSocketHub: \`overflow\` must be "dropOldest" or "disconnect", got ${JSON.stringify(overflow)}`);
  }
  const highWaterMark = options.highWaterMark ?? 256 * 1024;
  const encode = options.encode ?? (jsonFrames as MessageEncoder<T>);
  const subscribers = new Set<Subscriber>();
  let dropped = 0;
  let disconnected = 0;
  let published = 0;

  const drain = (s: Subscriber) => {
    while (s.queue.length > 0 && !s.waiting && s.socket.readyState === 1) {
      const frame = s.queue.shift()!;
      if (s.socket.bufferedAmount + frame.length <= highWaterMark) {
        s.socket.send(frame);
        continue;
      }
      // The socket is full: resume from its write callback.
      s.waiting = true;
      s.socket.send(frame, () => {
        s.waiting = false;
        drain(s);
      });
    }
  };
  const add = (socket: WebSocket) => {
    const s: Subscriber = { socket, queue: [], waiting: false };
    subscribers.add(s);
    socket.once('close', () => subscribers.delete(s));
    socket.on('error', () => undefined);
  };
  const publish = (frame: string | Uint8Array) => {
    published++;
    for (const s of subscribers) {
      if (s.socket.readyState !== 1) continue;
      if (s.queue.length >= bufferSize) {
        if (overflow === 'disconnect') {
          subscribers.delete(s);
          disconnected++;
          s.queue.length = 0;
          s.socket.close(1013, 'subscriber too slow');
          continue;
        }
        s.queue.shift();
        dropped++;
      }
      s.queue.push(frame);
      drain(s);
    }
  };
  return {
    consumer(nodeOptions) {
      return defineConsumer<T, number>('webSocketHub', { bufferSize, overflow, highWaterMark }, nodeOptions, () => ({
        item(value) {
          publish(encode(value as T));
        },
        complete: () => published,
      }));
    },
    add,
    attach(server) {
      server.on('connection', add);
      return () => server.off('connection', add);
    },
    stats: () => ({ subscribers: subscribers.size, dropped, disconnected, published }),
  };
}
