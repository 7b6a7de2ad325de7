/**
 * What a codec transformer was built from (defineCodec's arguments), kept so
 * that the Node file sources and sinks can run the same codec core directly
 * against a file instead of behind a transformer.
 */
import type { NodeContext } from '@streamweave/core';
import type { CodecCore, CodecSink, FormatErrorClass } from '../defineCodec.js';

/** defineCodec's arguments. */
export interface CodecSpec {
  readonly type: string;
  readonly params: Record<string, unknown>;
  readonly format: string;
  readonly ErrorClass: FormatErrorClass;
  readonly source: string | undefined;
  readonly create: (sink: CodecSink<unknown>, ctx: NodeContext) => CodecCore<unknown>;
}

const specs = new WeakMap<object, CodecSpec>();

/** Remembers how a codec transformer was built. */
export function registerCodec(transformer: object, spec: CodecSpec): void {
  specs.set(transformer, spec);
}

/** How a codec transformer was built, or undefined when it was not built with defineCodec. */
export function codecSpecOf(transformer: object): CodecSpec | undefined {
  return specs.get(transformer);
}
