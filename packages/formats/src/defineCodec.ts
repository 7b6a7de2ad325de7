/**
 * Shared plumbing of every decoder and encoder transformer in this package:
 * chunk checks, error construction (the format's FormatError subclass, naming
 * component, chunk position, source, offset, line, record), routing through the
 * node's error strategy, and flushing at EndOfStream / completion.
 */
import {
  defineTransformer,
  isEndOfStream,
  type NodeContext,
  type NodeOptions,
  type Signal,
  type StreamWeaveError,
  type Transformer,
} from '@streamweave/core';
import type { FormatError, FormatErrorOptions } from './formatError.js';

/** Options every codec transformer accepts. */
export interface CodecOptions extends NodeOptions {
  /** Name of the byte source (file path, topic, URL): it is put into every error. */
  readonly source?: string;
}

/** What a codec knows about a failure; the helper adds format, source and component. */
export interface FailureDetails {
  /** What went wrong, without the format, source and component (the helper adds those). */
  readonly message: string;
  /** Zero-based byte offset of the failure within the source's byte stream. */
  readonly byteOffset?: number;
  /** One-based line number, for text formats. */
  readonly line?: number;
  /** Zero-based index of the record that failed. */
  readonly recordIndex?: number;
  /** Underlying error or thrown value that caused the failure, when there is one. */
  readonly cause?: unknown;
}

/** A format's error class. */
export type FormatErrorClass = new (message: string, options: FormatErrorOptions) => FormatError;

/** The callbacks a codec core uses to talk to the stream. */
export interface CodecSink<O> {
  /** Emits one output item downstream. */
  emit(value: O): void;
  /**
   * Reports a failure through the node's error strategy. Returns true when the
   * codec may go on (skip / dead-letter), false when the run stops.
   */
  fail(details: FailureDetails, item: unknown): boolean;
  /**
   * Reports an error the codec built itself (a parser that already names its
   * source, byte offset and record index) through the node's error strategy,
   * like {@link CodecSink.fail}. Returns true when the codec may go on.
   */
  report(error: FormatError, item: unknown): boolean;
}

/** A stateful codec: fed inputs one at a time, flushed once at the end. */
export interface CodecCore<I> {
  /**
   * Feeds one input (a byte chunk for decoders, an item for encoders); `position`
   * is its index among the node's inputs (the chunk or record position errors name).
   */
  push(input: I, position: number): void;
  /** Input ended: emit what is buffered or report a truncation. */
  end(): void;
  /** A watermark or checkpoint barrier is about to pass: emit what is buffered (encoders that batch). */
  flush?(signal: Signal): void;
}

/** Maximum attempts before a "retry" decision on deterministic decoding is treated as stop. */
const maxDeterministicAttempts = 16;

/**
 * Builds a decode or encode transformer from a stateful codec core: the
 * building block of every StreamWeave format (use it for a new format too).
 * The core is fed inputs one at a time and flushed once at EndOfStream or
 * completion; signals pass in order after the outputs of earlier inputs.
 *
 * `sink.fail` builds the format's error (format, source, component, chunk
 * position, byte offset / line / record index) and routes it through the node's
 * error strategy; retries of deterministic decoding are used up at once.
 * Anything the core throws is wrapped the same way and ends decoding of this
 * stream: a core that threw cannot be trusted to resynchronise, so the remaining
 * input is discarded after that one counted failure.
 *
 * @example
 * ```ts
 * const lines = defineCodec<Uint8Array, string>('linesDecode', {}, {}, 'lines', FormatError, (sink) => ({
 *   push(chunk) { for (const l of new TextDecoder().decode(chunk).split('\n')) sink.emit(l); },
 *   end() {},
 * }));
 * ```
 * @see {@link FormatError}
 */
export function defineCodec<I, O>(
  type: string,
  params: Record<string, unknown>,
  options: CodecOptions | undefined,
  format: string,
  ErrorClass: FormatErrorClass,
  create: (sink: CodecSink<O>, ctx: NodeContext) => CodecCore<I>,
): Transformer<I, O> {
  const source = options?.source;
  const transformer = defineTransformer<I, O>(type, { ...params, ...(source === undefined ? {} : { source }) }, options, (out, ctx) => {
    let position = 0;
    let stopped = false;
    let broken = false;
    let ended = false;
    const sink: CodecSink<O> = {
      emit(value) {
        if (stopped) return;
        ctx.stats.out++;
        out.next(value);
      },
      fail(details, item) {
        return sink.report(formatError(ErrorClass, format, source, details, ctx, position), item);
      },
      report(error, item) {
        if (stopped) return false;
        const stopWith = routeCodecFailure(ctx, error, item, position);
        if (stopWith === undefined) return true;
        stopped = true;
        out.error(stopWith);
        return false;
      },
    };
    const core = create(sink, ctx);
    const guarded = (fn: () => void, item: unknown) => {
      if (stopped || broken) return;
      try {
        fn();
      } catch (e) {
        broken = true;
        sink.fail({ message: e instanceof Error ? e.message : 'codec failed', cause: e }, item);
      }
    };
    const finish = () => {
      if (ended) return;
      ended = true;
      guarded(() => core.end(), undefined);
    };
    return {
      item(value, pos) {
        position = pos;
        guarded(() => core.push(value, pos), value);
      },
      signal(s: Signal) {
        if (isEndOfStream(s)) finish();
        else if (core.flush) guarded(() => core.flush!(s), undefined);
        if (!stopped) out.next(s);
      },
      complete() {
        finish();
        if (!stopped) out.complete();
      },
    };
  });
  registerCodec(transformer, { type, params, format, ErrorClass, source, create: create as never });
  return transformer;
}

/** Builds the format's error from what a codec knows, naming the component and position. @internal */
export function formatError(
  ErrorClass: FormatErrorClass,
  format: string,
  source: string | undefined,
  details: FailureDetails,
  ctx: NodeContext,
  position: number,
): FormatError {
  return new ErrorClass(details.message, {
    format,
    ...(source === undefined ? {} : { source }),
    ...(details.byteOffset === undefined ? {} : { byteOffset: details.byteOffset }),
    ...(details.line === undefined ? {} : { line: details.line }),
    ...(details.recordIndex === undefined ? {} : { recordIndex: details.recordIndex }),
    ...(details.cause === undefined ? {} : { cause: details.cause }),
    component: ctx.component,
    position,
  });
}

/**
 * Applies the node's error strategy to a codec failure. Returns undefined when
 * the codec goes on (the item was skipped or dead-lettered, both counted by the
 * runtime), or the error to fail the stream with. Decoding is deterministic: a
 * retry fails the same way, so retries are used up at once. @internal
 */
export function routeCodecFailure(ctx: NodeContext, error: StreamWeaveError, item: unknown, position: number): StreamWeaveError | undefined {
  for (let attempt = 1; ; attempt++) {
    const d = ctx.fail(error, item, position, attempt);
    if (d.action === 'stop') return d.error;
    if (d.action === 'retry') {
      if (attempt < maxDeterministicAttempts) continue;
      return error;
    }
    return undefined;
  }
}

/**
 * Returns the bytes of a chunk, or undefined when the chunk is not bytes.
 * Accepts Uint8Array (Node Buffers included) and ArrayBuffer. Use it in codec
 * cores to reject non-byte chunks with a clear error.
 *
 * @example
 * ```ts
 * const bytes = asBytes(chunk); if (bytes === undefined) sink.fail({ message: 'expected bytes' }, chunk);
 * ```
 * @see {@link defineCodec}
 */
export function asBytes(chunk: unknown): Uint8Array | undefined {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  return undefined;
}

/** Human-readable type of a non-byte chunk, for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

/** Concatenates two byte arrays (either may be empty). */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const r = new Uint8Array(a.length + b.length);
  r.set(a, 0);
  r.set(b, a.length);
  return r;
}

/**
 * What a codec transformer was built from (defineCodec's arguments), kept so
 * that the Node file sources and sinks can run the same codec core directly
 * against a file instead of behind a transformer. @internal
 */
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
function registerCodec(transformer: object, spec: CodecSpec): void {
  specs.set(transformer, spec);
}

/** How a codec transformer was built, or undefined when it was not built with defineCodec. @internal */
export function codecSpecOf(transformer: object): CodecSpec | undefined {
  return specs.get(transformer);
}
