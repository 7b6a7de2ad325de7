/**
 * Incremental reader of length-delimited Protocol Buffers streams (each message
 * prefixed by its byte length as a varint, as `writeDelimitedTo` /
 * `encodeDelimited` write them): bytes arrive cut anywhere, messages come out as
 * soon as their last byte is in.
 */
import type { ComponentRef } from '@streamweave/core';
import protobuf from 'protobufjs';
import { ProtobufError } from '../protobufError.js';
import type { MessageCodec } from '../messageCodec.js';

/** The bytes of a message that failed to decode, as routed to the dead-letter consumer. */
export interface ProtobufBadMessage {
  /** The message body (without its length prefix), or the undecodable rest of the stream. */
  readonly bytes: Uint8Array;
  /** Offset of the length prefix in the source's byte stream. */
  readonly byteOffset: number;
  /** Index of the message in the stream. */
  readonly recordIndex: number;
}

/** Receives what the parser finds. */
export interface DelimitedSink {
  message(value: unknown, recordIndex: number, byteOffset: number): void;
  /** Returns false when the stream must stop. */
  failure(error: ProtobufError, item: ProtobufBadMessage): boolean;
}

/** Options of {@link DelimitedParser}. */
export interface DelimitedParserOptions {
  readonly source?: string | undefined;
  readonly maxMessageBytes?: number | undefined;
  readonly component?: ComponentRef | undefined;
}

const emptyBytes = new Uint8Array(0);
const defaultMaxMessageBytes = 64 * 1024 * 1024;

/** Parses one length-delimited stream. */
export class DelimitedParser {
  private buf: Uint8Array = emptyBytes;
  private bufStart = 0;
  private index = 0;
  private state: 'messages' | 'dead' | 'stopped' = 'messages';
  private readonly maxMessageBytes: number;
  /** Input position reported with errors (set by the transformer). */
  position = 0;

  constructor(
    private readonly codec: MessageCodec,
    private readonly options: DelimitedParserOptions = {},
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? defaultMaxMessageBytes;
    // A protobufjs Type decodes from a Reader positioned inside the chunk: no subarray and no Reader per message.
    this.typeCodec = codec instanceof protobuf.Type ? codec : undefined;
  }

  private readonly typeCodec: protobuf.Type | undefined;

  /** Messages read so far (the index the next message will get). */
  get messagesRead(): number {
    return this.index;
  }

  /** Offset of the first byte not yet consumed (the next message's length prefix). */
  get consumedOffset(): number {
    return this.bufStart;
  }

  /** Stream offset just past the last byte received (where the next chunk starts). */
  get receivedOffset(): number {
    return this.bufStart + this.buf.length;
  }

  /** True once the strategy said stop. */
  get stopped(): boolean {
    return this.state === 'stopped';
  }

  /** Continues at `offset` with message index `index` (restoring a checkpointed position). */
  resumeAt(offset: number, index: number): void {
    this.buf = emptyBytes;
    this.bufStart = offset;
    this.index = index;
    this.state = 'messages';
  }

  /** Adds a chunk and emits every message it completes. */
  push(chunk: Uint8Array, sink: DelimitedSink): void {
    if (this.state !== 'messages') {
      this.bufStart += chunk.length;
      return;
    }
    if (this.buf.length === 0) this.buf = chunk;
    else {
      const joined = new Uint8Array(this.buf.length + chunk.length);
      joined.set(this.buf, 0);
      joined.set(chunk, this.buf.length);
      this.buf = joined;
    }
    const b = this.buf;
    const reader = this.typeCodec ? protobuf.Reader.create(b) : undefined;
    let pos = 0;
    while (pos < b.length && this.state === 'messages') {
      // Varint length prefix (at most 5 bytes for a 32-bit length).
      let len = 0;
      let p = pos;
      let shift = 1;
      let done = false;
      for (let i = 0; i < 5 && p < b.length; i++, p++) {
        const byte = b[p]!;
        len += (byte & 0x7f) * shift;
        shift *= 128;
        if ((byte & 0x80) === 0) {
          done = true;
          p++;
          break;
        }
      }
      if (!done) {
        if (p - pos >= 5) {
          this.fatal(sink, 'corrupt length prefix (not a varint of at most 5 bytes)', pos);
          break;
        }
        break; // wait for the rest of the varint
      }
      if (len > this.maxMessageBytes) {
        this.fatal(sink, `length prefix ${len} exceeds maxMessageBytes ${this.maxMessageBytes}`, pos);
        break;
      }
      const end = p + len;
      if (end > b.length) break; // wait for the rest of the message
      const offset = this.bufStart + pos;
      let value: unknown;
      try {
        if (reader) {
          // protobufjs bounds a message by lowering `len` and leaves it lowered when decoding throws.
          reader.pos = p;
          reader.len = b.length;
          value = this.typeCodec!.decode(reader, len);
        } else value = this.codec.decode(b.subarray(p, end));
      } catch (e) {
        const goOn = this.fail(sink, 'message does not parse as the message type', offset, b.slice(p, end), e);
        this.index++;
        pos = end;
        if (!goOn) break;
        continue;
      }
      pos = end;
      sink.message(value, this.index++, offset);
    }
    if (this.state === 'messages') {
      this.bufStart += pos;
      this.buf = pos === b.length ? emptyBytes : b.subarray(pos);
    } else {
      this.bufStart += b.length;
      this.buf = emptyBytes;
    }
  }

  /** The input ended: reports a truncated message. */
  end(sink: DelimitedSink): void {
    if (this.state === 'messages' && this.buf.length > 0) {
      this.fail(sink, `truncated stream: the last message is incomplete (${this.buf.length} bytes)`, this.bufStart, this.buf.slice());
    }
    this.buf = emptyBytes;
  }

  private fail(sink: DelimitedSink, message: string, byteOffset: number, bytes: Uint8Array, cause?: unknown): boolean {
    const error = new ProtobufError(message, {
      ...(this.options.source === undefined ? {} : { source: this.options.source }),
      byteOffset,
      recordIndex: this.index,
      position: this.position,
      ...(this.options.component ? { component: this.options.component } : {}),
      ...(cause === undefined ? {} : { cause }),
    });
    const goOn = sink.failure(error, { bytes, byteOffset, recordIndex: this.index });
    if (!goOn) this.state = 'stopped';
    return goOn;
  }

  /** Framing is lost (no sync markers in this format): report once, ignore the rest. */
  private fatal(sink: DelimitedSink, message: string, pos: number): void {
    if (this.fail(sink, `${message}; the rest of the input is ignored`, this.bufStart + pos, this.buf.slice(pos))) this.state = 'dead';
  }
}
