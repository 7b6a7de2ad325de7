import { InvalidArgumentError } from '@streamweave/core';

/**
 * What the codecs need from a message type: the shape shared by a protobufjs
 * `Type` loaded at run time from a `.proto` file (see `loadProtoType` in
 * `@streamweave/formats-protobuf/node`, or `protobuf.parse(...).root.lookupType`)
 * and by the static classes `pbjs -t static-module` generates. Any object with
 * these methods works (a hand-written codec, another library behind an adapter).
 *
 * @example
 * ```ts
 * const User: MessageCodec<User> = protobuf.parse(proto).root.lookupType('app.User');
 * ```
 * @see {@link protobufDecode}, {@link protobufEncode}
 */
export interface MessageCodec<T = unknown> {
  /** Parses one message body (no length prefix); throws on malformed bytes. */
  decode(bytes: Uint8Array): T;
  /** Serializes one message; `finish()` returns its body (no length prefix). */
  encode(message: T): { finish(): Uint8Array };
  /** Returns an error text when `message` is not a valid message of this type (protobufjs `verify`). */
  verify?(message: unknown): string | null;
  /** Builds a message from a plain object (protobufjs `fromObject`). */
  fromObject?(object: Record<string, unknown>): T;
  /** Turns a message into a plain object (protobufjs `toObject`). */
  toObject?(message: T, options?: Record<string, unknown>): Record<string, unknown>;
}

/** Checks a caller-given codec. @internal */
export function requireCodec(component: string, codec: unknown): asserts codec is MessageCodec {
  const c = codec as Partial<MessageCodec> | undefined;
  if (!c || typeof c.decode !== 'function' || typeof c.encode !== 'function') {
    throw new InvalidArgumentError(`${component}: \`codec\` must have decode(bytes) and encode(message).finish() (a protobufjs Type or a pbjs static class)`);
  }
}
