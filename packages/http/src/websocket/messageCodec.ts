/** How WebSocket frames become items and items become frames. */
import type { RawData } from 'ws';

/** Turns one incoming frame into an item; throw to report a malformed message. */
export type MessageDecoder<T> = (data: Uint8Array, isBinary: boolean) => T;

/** Turns one item into a frame: strings go as text frames, bytes as binary frames. */
export type MessageEncoder<T> = (item: T) => string | Uint8Array;

/**
 * The default decoder: text frames are parsed as JSON, binary frames stay bytes.
 *
 * @example
 * ```ts
 * webSocketSource(socket, { decode: jsonMessages });
 * ```
 * @see {@link webSocketSource}
 */
export const jsonMessages: MessageDecoder<unknown> = (data, isBinary) => {
  if (isBinary) return data;
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const snippet = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    throw new Error(`malformed JSON message (${text.length} chars, starts ${JSON.stringify(snippet)}): ${(e as Error).message}`);
  }
};

/**
 * The default encoder: strings and bytes go as they are, anything else as JSON text.
 *
 * @example
 * ```ts
 * webSocketSink(socket, { encode: jsonFrames });
 * ```
 * @see {@link webSocketSink}
 */
export const jsonFrames: MessageEncoder<unknown> = (item) =>
  typeof item === 'string' || item instanceof Uint8Array ? item : JSON.stringify(item);

/** @internal */
export function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
