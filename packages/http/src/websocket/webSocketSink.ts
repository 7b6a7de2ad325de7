import { type Consumer, type NodeOptions, InvalidArgumentError, defineConsumer } from '@streamweave/core';
import type { WebSocket } from 'ws';
import { type MessageEncoder, jsonFrames } from './messageCodec.js';

/** Options of {@link webSocketSink}. */
export interface WebSocketSinkOptions<T> extends NodeOptions {
  /** Frame encoder (default {@link jsonFrames}). */
  readonly encode?: MessageEncoder<T>;
  /** Bytes the socket may buffer before the sink waits (default 1 MiB). */
  readonly highWaterMark?: number;
  /** Close the socket (code 1000) when the stream completes (default true). */
  readonly closeOnComplete?: boolean;
}

/**
 * Sends every item on a `ws` socket. While the socket's `bufferedAmount` is
 * above `highWaterMark`, the sink waits for the buffered frames to be written
 * and holds its backpressure credit meanwhile, so a slow peer slows the
 * pipeline instead of growing memory. Fails if the socket closes under it.
 *
 * When to use: answering on the same connection, or pushing to one peer. For
 * many subscribers use {@link webSocketHub}.
 *
 * @example
 * ```ts
 * pipeline().from(webSocketSource(socket)).pipe(map((m) => ({ echo: m }))).to(webSocketSink(socket)).start();
 * ```
 * @see {@link webSocketSource}, {@link webSocketHub}
 */
export function webSocketSink<T = unknown>(socket: WebSocket, options: WebSocketSinkOptions<T> = {}): Consumer<T, number> {
  if (!socket || typeof socket.send !== 'function') throw new InvalidArgumentError('webSocketSink: `socket` must be a ws WebSocket');
  const encode = options.encode ?? (jsonFrames as MessageEncoder<T>);
  const highWaterMark = options.highWaterMark ?? 1024 * 1024;
  const closeOnComplete = options.closeOnComplete ?? true;
  return defineConsumer<T, number>('webSocketSink', { highWaterMark, closeOnComplete }, options, () => {
    let sent = 0;
    return {
      item(value) {
        if (socket.readyState !== 1) throw new Error(`socket is not open (readyState ${socket.readyState}) at message ${sent}`);
        const frame = encode(value as T);
        sent++;
        if (socket.bufferedAmount <= highWaterMark) {
          socket.send(frame);
          return undefined;
        }
        // Over the mark: send, then wait for this frame's write callback, which
        // fires once it and every frame before it reached the kernel.
        return new Promise<void>((resolve, reject) => {
          const onClose = () => reject(new Error(`socket closed while message ${sent - 1} was buffered`));
          socket.once('close', onClose);
          socket.send(frame, (err) => {
            socket.off('close', onClose);
            if (err) reject(err);
            else resolve();
          });
        });
      },
      complete() {
        if (closeOnComplete && socket.readyState === 1) socket.close(1000, 'end of stream');
        return sent;
      },
    };
  });
}
