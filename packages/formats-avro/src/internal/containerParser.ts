/**
 * Incremental reader of Avro object container files: bytes arrive in chunks
 * cut anywhere, records come out as soon as their block is complete. Corrupt
 * blocks are reported and skipped by searching for the next sync marker, the
 * way Avro's own DataFileReader re-synchronises.
 */
import avro from 'avsc';
import type { ComponentRef } from '@streamweave/core';
import { AvroError } from '../avroError.js';
import { asBuffer, bytesEqualAt, concatBytes, indexOfBytes, readLong } from './bytes.js';
import { type AvroCodec, decompressBlock, isSupportedCodec } from './codecs.js';
import { newTap, recordReader } from './avscTap.js';
import { type AvroResolver, type AvroSchema, toAvroType } from './schemas.js';

/** "Obj" followed by format version 1. */
export const magic: Uint8Array = Uint8Array.from([0x4f, 0x62, 0x6a, 0x01]);
export const syncSize = 16;

/** What a container file's header says. */
export interface AvroHeader {
  /** The writer schema, parsed from `avro.schema`. */
  readonly schema: unknown;
  /** The block codec, from `avro.codec` (default `null`). */
  readonly codec: AvroCodec;
  /** Every metadata entry as raw bytes, including `avro.schema` and `avro.codec`. */
  readonly metadata: Readonly<Record<string, Uint8Array>>;
}

/** The bytes of a block (or of an undecodable stretch) that failed, as routed to the dead-letter consumer. */
export interface AvroBadBlock {
  /** The failing bytes, as read. */
  readonly bytes: Uint8Array;
  /** Offset of `bytes` in the source's byte stream. */
  readonly byteOffset: number;
  /** Index of the first record of the block. */
  readonly firstRecordIndex: number;
  /** Records the block declared that were not emitted (unknown after a framing error). */
  readonly lostRecords: number | undefined;
}

/** Receives what the parser finds. */
export interface ParserSink {
  record(value: unknown, recordIndex: number): void;
  /** Returns false when the stream must stop (the error strategy said stop). */
  failure(error: AvroError, item: AvroBadBlock): boolean;
}

/** Options of {@link ContainerParser}. */
export interface ContainerParserOptions {
  readonly source?: string | undefined;
  readonly readerSchema?: AvroSchema | undefined;
  readonly maxBlockBytes?: number | undefined;
  readonly onHeader?: ((header: AvroHeader) => void) | undefined;
  readonly component?: ComponentRef | undefined;
  /** Stop after the header (until {@link ContainerParser.resumeAt}); used to re-read a header when seeking. */
  readonly headerOnly?: boolean | undefined;
}

type State = 'header' | 'paused' | 'blocks' | 'resync' | 'dead' | 'stopped';

const defaultMaxBlockBytes = 64 * 1024 * 1024;
/** Bound on one header metadata key or value, so a corrupt length cannot make us wait for gigabytes. */
const maxHeaderEntryBytes = 16 * 1024 * 1024;
const emptyBytes = new Uint8Array(0);

/** Parses one container file. */
export class ContainerParser {
  private buf: Uint8Array = emptyBytes;
  /** Absolute offset of buf[0] in the source. */
  private bufStart = 0;
  private state: State = 'header';
  private codec: AvroCodec = 'null';
  private sync: Uint8Array = emptyBytes;
  private writerType: avro.Type | undefined;
  private resolver: AvroResolver | undefined;
  private recordIndex = 0;
  private readonly maxBlockBytes: number;
  private readonly readerType: avro.Type | undefined;
  /** Chunk position reported with errors (set by the transformer). */
  position = 0;
  /** Offset of the block the record being emitted comes from. */
  blockOffset = 0;
  /** Index of the record being emitted within its block. */
  indexInBlock = 0;

  constructor(private readonly options: ContainerParserOptions = {}) {
    this.maxBlockBytes = options.maxBlockBytes ?? defaultMaxBlockBytes;
    this.readerType = options.readerSchema === undefined ? undefined : toAvroType('avroDecode', 'readerSchema', options.readerSchema);
  }

  /** Records decoded so far (the index the next record will get). */
  get recordsRead(): number {
    return this.recordIndex;
  }

  /** Offset of the first byte not yet consumed: after push() returns, the start of the next block (or of a partial one). */
  get consumedOffset(): number {
    return this.bufStart;
  }

  /** Stream offset just past the last byte received (where the next chunk starts). */
  get receivedOffset(): number {
    return this.bufStart + this.buf.length;
  }

  /** True once the header was read. */
  get headerRead(): boolean {
    return this.writerType !== undefined && this.state !== 'dead' && this.state !== 'stopped';
  }

  /**
   * Continues at the block starting at `offset` with record index `recordIndex`,
   * once the header was read (restoring a checkpointed position).
   */
  resumeAt(offset: number, recordIndex: number): void {
    this.buf = emptyBytes;
    this.bufStart = offset;
    this.recordIndex = recordIndex;
    this.state = 'blocks';
  }

  /** True once the strategy said stop. */
  get stopped(): boolean {
    return this.state === 'stopped';
  }

  /** Adds a chunk and emits everything it completes. */
  push(chunk: Uint8Array, sink: ParserSink): void {
    if (this.state === 'stopped') return;
    if (this.state === 'dead' || this.state === 'paused') {
      this.bufStart += chunk.length;
      return;
    }
    this.buf = this.buf.length === 0 ? chunk : concatBytes([this.buf, chunk]);
    this.run(sink);
  }

  /** The input ended: reports a truncated header or block, or an unterminated corrupt stretch. */
  end(sink: ParserSink): void {
    const left = this.buf.length;
    switch (this.state) {
      case 'header':
        this.fail(sink, `truncated file: the header is incomplete (${left} bytes)`, 0, this.buf, 0);
        break;
      case 'blocks':
        if (left > 0) this.fail(sink, `truncated file: the last block is incomplete (${left} bytes)`, this.bufStart, this.buf, undefined);
        break;
      // 'resync': the corrupt stretch was already reported when it was found; no marker followed it.
      default:
        break;
    }
    this.buf = emptyBytes;
  }

  private run(sink: ParserSink): void {
    let pos = 0;
    for (;;) {
      if (this.state === 'header') {
        const next = this.parseHeader(pos, sink);
        if (next === undefined) break;
        pos = next;
        if (this.options.headerOnly) this.state = 'paused';
      } else if (this.state === 'blocks') {
        const next = this.parseBlock(pos, sink);
        if (next === undefined) break;
        pos = next;
      } else if (this.state === 'resync') {
        const found = indexOfBytes(this.buf, this.sync, pos);
        if (found < 0) {
          // Keep the last bytes: a marker may straddle this chunk and the next.
          pos = Math.max(pos, this.buf.length - (syncSize - 1));
          break;
        }
        this.state = 'blocks';
        pos = found + syncSize;
      } else {
        // paused, dead or stopped: nothing more is parsed.
        this.bufStart += this.buf.length;
        this.buf = emptyBytes;
        return;
      }
    }
    this.bufStart += pos;
    this.buf = pos === this.buf.length ? emptyBytes : this.buf.subarray(pos);
  }

  /** Reports a failure; returns whether the stream goes on. */
  private fail(sink: ParserSink, message: string, byteOffset: number, bytes: Uint8Array, lostRecords: number | undefined, cause?: unknown): boolean {
    const error = new AvroError(message, {
      ...(this.options.source === undefined ? {} : { source: this.options.source }),
      byteOffset,
      recordIndex: this.recordIndex,
      position: this.position,
      ...(this.options.component ? { component: this.options.component } : {}),
      ...(cause === undefined ? {} : { cause }),
    });
    const goOn = sink.failure(error, { bytes: bytes.slice(), byteOffset, firstRecordIndex: this.recordIndex, lostRecords });
    if (!goOn) this.state = 'stopped';
    return goOn;
  }

  /** A failure after which nothing in this input can be decoded. */
  private fatal(sink: ParserSink, message: string, byteOffset: number, cause?: unknown): undefined {
    if (this.fail(sink, `${message}; the rest of the input is ignored`, byteOffset, this.buf, undefined, cause)) this.state = 'dead';
    return undefined;
  }

  /** Parses the header at `pos`; returns the offset after it, or undefined to wait for more bytes (or after a fatal error). */
  private parseHeader(pos: number, sink: ParserSink): number | undefined {
    const b = this.buf;
    const have = Math.min(b.length - pos, magic.length);
    for (let i = 0; i < have; i++) {
      if (b[pos + i] !== magic[i]) return this.fatal(sink, 'not an Avro object container file (bad magic bytes)', this.bufStart + pos);
    }
    if (have < magic.length) return undefined;
    let p = pos + magic.length;
    const metadata: Record<string, Uint8Array> = {};
    for (;;) {
      const count = readLong(b, p);
      if (count === undefined) return this.waitForHeader();
      if (count === null) return this.fatal(sink, 'corrupt header: bad metadata entry count', this.bufStart + p);
      p = count.next;
      if (count.value === 0) break;
      let n = count.value;
      if (n < 0) {
        n = -n;
        const size = readLong(b, p);
        if (size === undefined) return this.waitForHeader();
        if (size === null) return this.fatal(sink, 'corrupt header: bad metadata block size', this.bufStart + p);
        p = size.next;
      }
      for (let i = 0; i < n; i++) {
        const key = this.readBytes(p);
        if (key === undefined) return this.waitForHeader();
        if (key === null) return this.fatal(sink, 'corrupt header: bad metadata key', this.bufStart + p);
        const value = this.readBytes(key.next);
        if (value === undefined) return this.waitForHeader();
        if (value === null) return this.fatal(sink, 'corrupt header: bad metadata value', this.bufStart + key.next);
        metadata[new TextDecoder().decode(key.bytes)] = value.bytes.slice();
        p = value.next;
      }
    }
    if (p + syncSize > b.length) return this.waitForHeader();
    this.sync = b.slice(p, p + syncSize);
    const end = p + syncSize;

    const codecName = metadata['avro.codec'] ? new TextDecoder().decode(metadata['avro.codec']) : 'null';
    if (!isSupportedCodec(codecName)) return this.fatal(sink, `unsupported codec "${codecName}" (supported: null, deflate, snappy)`, this.bufStart);
    this.codec = codecName;
    const schemaBytes = metadata['avro.schema'];
    if (!schemaBytes) return this.fatal(sink, 'corrupt header: no avro.schema entry', this.bufStart);
    let schema: unknown;
    try {
      schema = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(schemaBytes));
      this.writerType = avro.Type.forSchema(schema as Parameters<typeof avro.Type.forSchema>[0]);
    } catch (e) {
      return this.fatal(sink, 'corrupt header: invalid writer schema', this.bufStart, e);
    }
    if (this.readerType) {
      try {
        this.resolver = this.readerType.createResolver(this.writerType);
      } catch (e) {
        return this.fatal(sink, 'the reader schema cannot read data written with the writer schema', this.bufStart, e);
      }
    }
    this.options.onHeader?.({ schema, codec: codecName, metadata });
    this.state = 'blocks';
    return end;
  }

  private waitForHeader(): undefined {
    return undefined;
  }

  /** Reads Avro `bytes` (long length + data) at `p`. */
  private readBytes(p: number): { bytes: Uint8Array; next: number } | undefined | null {
    const len = readLong(this.buf, p);
    if (len === undefined) return undefined;
    if (len === null || len.value < 0 || len.value > maxHeaderEntryBytes) return null;
    const end = len.next + len.value;
    if (end > this.buf.length) return undefined;
    return { bytes: this.buf.subarray(len.next, end), next: end };
  }

  /** Parses one block at `pos`; returns the offset after it, or undefined to wait for more bytes. */
  private parseBlock(pos: number, sink: ParserSink): number | undefined {
    const b = this.buf;
    if (pos >= b.length) return undefined;
    const blockStart = this.bufStart + pos;
    const count = readLong(b, pos);
    if (count === undefined) return undefined;
    const size = count === null ? null : readLong(b, count.next);
    if (size === undefined) return undefined;
    if (count === null || size === null || count.value < 0 || size.value < 0 || size.value > this.maxBlockBytes) {
      return this.corruptFraming(pos, sink, 'corrupt block header (record count or size out of range)');
    }
    const dataEnd = size.next + size.value;
    if (dataEnd + syncSize > b.length) return undefined;
    if (!bytesEqualAt(b, dataEnd, this.sync)) {
      return this.corruptFraming(pos, sink, `bad sync marker after the block of ${count.value} records`);
    }
    const next = dataEnd + syncSize;
    const firstRecord = this.recordIndex;
    let data: Uint8Array;
    try {
      data = decompressBlock(this.codec, b.subarray(size.next, dataEnd), this.maxBlockBytes);
    } catch (e) {
      const goOn = this.fail(sink, `corrupt ${this.codec} block data (${count.value} records lost)`, blockStart, b.subarray(pos, next), count.value, e);
      this.recordIndex = firstRecord + count.value;
      return goOn ? next : undefined;
    }
    const type = this.readerType ?? this.writerType!;
    const read = recordReader(type, this.resolver);
    const tap = newTap(asBuffer(data));
    for (let i = 0; i < count.value; i++) {
      let value: unknown;
      let cause: unknown;
      try {
        value = read(tap);
        if (!tap.isValid()) cause = new Error('record runs past the end of its block');
      } catch (e) {
        cause = e;
      }
      if (cause !== undefined) {
        const lost = count.value - i;
        const goOn = this.fail(
          sink,
          `record does not decode with the writer schema in the block at byte ${blockStart} (${lost} records of the block lost)`,
          blockStart,
          b.subarray(pos, next),
          lost,
          cause,
        );
        this.recordIndex = firstRecord + count.value;
        return goOn ? next : undefined;
      }
      this.blockOffset = blockStart;
      this.indexInBlock = i;
      sink.record(value, this.recordIndex++);
      if (this.state === 'stopped') return undefined;
    }
    return next;
  }

  /** The block framing is broken: report it and skip to the next sync marker. */
  private corruptFraming(pos: number, sink: ParserSink, message: string): number | undefined {
    const blockStart = this.bufStart + pos;
    const marker = indexOfBytes(this.buf, this.sync, pos + 1);
    const until = marker < 0 ? this.buf.length : marker + syncSize;
    const goOn = this.fail(sink, `${message}; skipping to the next sync marker`, blockStart, this.buf.subarray(pos, until), undefined);
    if (!goOn) return undefined;
    if (marker >= 0) return until;
    this.state = 'resync';
    return Math.max(pos, this.buf.length - (syncSize - 1));
  }
}
