import { type NodeOptions, type Producer, InvalidArgumentError, defineProducer } from '@streamweave/core';
import type { RawData, WebSocket } from 'ws';
import { type MessageDecoder, jsonMessages, toBytes } from './messageCodec.js';

/** Options of {@link webSocketSource}. */
export interface WebSocketSourceOptions<T> extends NodeOptions {
  /** Frame decoder (default {@link jsonMessages}). */
  readonly decode?: MessageDecoder<T>;
  /** Messages kept while the pipeline is slower than the peer (default 256); the socket is paused beyond. */
  readonly maxQueued?: number;
}

/**
 * Emits the messages arriving on a `ws` socket (server side: a socket from
 * `WebSocketServer`'s `connection` event; client side: `new WebSocket(url)`),
 * and completes when the socket closes. When the pipeline falls behind, the
 * socket is paused (TCP backpressure reaches the peer) instead of buffering.
 * A message the decoder rejects fails per the error strategy, naming its index.
 *
 * When to use: one connection's messages as a stream. For a client that
 * reconnects, see {@link webSocketClient}.
 *
 * @example
 * ```ts
 * wss.on('connection', (socket) => {
 *   pipeline().from(webSocketSource(socket)).pipe(map(handle)).to(webSocketSink(socket)).start();
 * });
 * ```
 * @see {@link webSocketSink}, {@link webSocketClient}, {@link webSocketHub}
 */
export function webSocketSource<T = unknown>(socket: WebSocket, options: WebSocketSourceOptions<T> = {}): Producer<T> {
  if (!socket || typeof socket.on !== 'function') throw new InvalidArgumentError('webSocketSource: `socket` must be a ws WebSocket');
  const decode = options.decode ?? (jsonMessages as MessageDecoder<T>);
  const maxQueued = options.maxQueued ?? 256;
  if (!(maxQueued >= 1)) throw new InvalidArgumentError(`webSocketSource: \`maxQueued\` must be >= 1, got ${String(maxQueued)}`);
  return defineProducer<T>('webSocketSource', { maxQueued }, options, (ctx) => {
    const queue: Array<{ data: Uint8Array; isBinary: boolean }> = [];
    let closed = socket.readyState >= 2;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const onMessage = (data: RawData, isBinary: boolean) => {
      queue.push({ data: toBytes(data), isBinary });
      if (queue.length >= maxQueued && !socket.isPaused) socket.pause();
      notify();
    };
    const onClose = () => {
      closed = true;
      notify();
    };
    socket.on('message', onMessage);
    socket.on('close', onClose);
    ctx.signal.addEventListener('abort', notify, { once: true });
    return {
      async pull(emit, demand) {
        while (queue.length === 0) {
          if (closed) return false;
          if (ctx.signal.aborted) return true;
          await new Promise<void>((resolve) => (wake = resolve));
        }
        for (let i = 0; i < demand && queue.length > 0; i++) {
          const m = queue.shift()!;
          emit(decode(m.data, m.isBinary));
        }
        if (socket.isPaused && queue.length <= maxQueued / 2) socket.resume();
        return true;
      },
      close() {
        socket.off('message', onMessage);
        socket.off('close', onClose);
        if (socket.isPaused) socket.resume();
      },
    };
  });
}
