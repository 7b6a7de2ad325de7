import { InvalidArgumentError, type Transformer } from '@streamweave/core';
import { asBytes, type CodecOptions, type CodecSink, defineCodec } from '@streamweave/formats';
import { type RecordBatch, RecordBatchReader, Table, tableToIPC } from 'apache-arrow';
import { ArrowFormatError } from './arrowFormatError.js';
import { frameAt, FramingError, HeaderType, startsWithMagic } from './internal/ipcFraming.js';
import { batchRows } from './internal/rows.js';

/** Options of {@link (arrowDecode:1)}. */
export interface ArrowDecodeOptions extends CodecOptions {
  /** Emit one plain object per row (`rows`, default) or whole `RecordBatch`es (`batches`, for columnar operators). */
  readonly output?: 'rows' | 'batches';
  /** One IPC message may be at most this many bytes (bounds memory and rejects corrupt lengths); default 1 GiB. */
  readonly maxMessageBytes?: number;
}

/**
 * Decodes Arrow IPC bytes, stream format or file format (detected by the
 * `ARROW1` magic), into rows or RecordBatches as each record batch message
 * completes: memory is bounded by one message, whatever the input size, and
 * chunk boundaries may fall anywhere. Dictionary batches and several
 * concatenated streams are supported. One exception: a file whose schema is
 * only in its footer (apache-arrow JS writes files so) is decoded when its
 * footer has arrived, so its bytes are kept until the end of input. Message
 * metadata is checked against the body before apache-arrow sees it.
 *
 * Corrupt framing or metadata, a truncated input and a missing schema are
 * {@link ArrowFormatError}s with the byte offset and record index; a record
 * batch whose body cannot be decoded is reported alone and skipped under Skip
 * or dead-letter (its framing is intact), a broken framing ends decoding.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray([tableToIPC(table, 'stream')])).pipe(arrowDecode()).to(collect()); // rows
 * pipeline().from(chunks).pipe(arrowDecode({ output: 'batches' })).pipe(map((b) => b.numRows)).to(collect());
 * ```
 * @see {@link arrowEncode}
 */
export function arrowDecode<T = Record<string, unknown>>(options?: ArrowDecodeOptions & { output?: 'rows' }): Transformer<Uint8Array, T>;
/** Decodes Arrow IPC bytes into whole `RecordBatch`es (`output: 'batches'`), as each record batch message completes. */
export function arrowDecode(options: ArrowDecodeOptions & { output: 'batches' }): Transformer<Uint8Array, RecordBatch>;
export function arrowDecode(options: ArrowDecodeOptions = {}): Transformer<Uint8Array, unknown> {
  const output = options.output ?? 'rows';
  if (output !== 'rows' && output !== 'batches') throw new InvalidArgumentError(`arrowDecode: \`output\` must be 'rows' or 'batches', got ${String(output)}`);
  const maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024 * 1024;
  if (!(Number.isInteger(maxMessageBytes) && maxMessageBytes > 0)) {
    throw new InvalidArgumentError(`arrowDecode: \`maxMessageBytes\` must be a positive integer, got ${String(maxMessageBytes)}`);
  }
  return defineCodec<Uint8Array, unknown>('arrowDecode', { output, maxMessageBytes }, options, 'arrow', ArrowFormatError, (sink) =>
    new ArrowDecoder(sink, output === 'rows', maxMessageBytes),
  );
}

class ArrowDecoder {
  private pending: Uint8Array = new Uint8Array(0);
  /** Stream offset of pending[0]. */
  private base = 0;
  private stage: 'start' | 'messages' | 'footer' = 'start';
  private file = false;
  private schema: Uint8Array | undefined;
  private dictionaries: Uint8Array[] = [];
  private sawSchema = false;
  private records = 0;
  private dead = false;

  constructor(
    private readonly sink: CodecSink<unknown>,
    private readonly rows: boolean,
    private readonly maxMessageBytes: number,
  ) {}

  push(chunk: unknown): void {
    if (this.dead) return;
    const bytes = asBytes(chunk);
    if (bytes === undefined) {
      this.sink.fail({ message: 'expected a Uint8Array chunk', byteOffset: this.base + this.pending.length, recordIndex: this.records }, chunk);
      return;
    }
    if (this.deferred) this.all.push(bytes.slice());
    // Gather chunks until the next message is complete: joining at every chunk would copy
    // a large message over and over.
    this.parts.push(bytes);
    this.partsBytes += bytes.length;
    if (this.pending.length + this.partsBytes < this.need) return;
    this.pending = concatAll([this.pending, ...this.parts]);
    this.parts = [];
    this.partsBytes = 0;
    this.advance();
  }

  private parts: Uint8Array[] = [];
  private partsBytes = 0;
  /** Bytes needed in `pending` before the next message can be framed. */
  private need = 0;

  end(): void {
    if (this.dead) return;
    if (this.partsBytes > 0) {
      this.pending = concatAll([this.pending, ...this.parts]);
      this.parts = [];
      this.partsBytes = 0;
      this.need = 0;
      this.advance();
      if (this.dead) return;
    }

    if (this.stage === 'footer') {
      if (!endsWithMagic(this.pending)) this.fatal('truncated Arrow file: the footer magic is missing', this.base);
      else if (this.deferred) this.decodeDeferred();
      return;
    }
    if (this.pending.length > 0 || (this.file && this.stage !== 'start')) {
      this.fatal('truncated Arrow IPC data at end of input', this.base);
      return;
    }
    if (!this.sawSchema) this.fatal('no Arrow schema message in the input', this.base);
  }

  private deferred = false;
  private all: Uint8Array[] = [];
  private later: Array<{ type: number; bytes: Uint8Array; at: number }> = [];

  /** Reads the schema from the footer, then decodes the kept messages as a stream. */
  private decodeDeferred(): void {
    let schema: Uint8Array;
    try {
      const reader = RecordBatchReader.from(concatAll(this.all));
      reader.open();
      const ipc = tableToIPC(new Table(reader.schema), 'stream');
      const frame = frameAt(ipc, 0, ipc.length);
      if (typeof frame === 'number' || frame.headerType !== HeaderType.Schema) throw new Error('no schema in the footer');
      schema = ipc.slice(0, frame.length);
    } catch (e) {
      this.fatal(`cannot read the Arrow file footer: ${(e as Error).message}`, this.base, e);
      return;
    }
    this.all = [];
    this.message(HeaderType.Schema, schema, 0);
    for (const m of this.later) this.message(m.type, m.bytes, m.at);
    this.later = [];
  }

  private emitBatch(batch: RecordBatch): void {
    if (!this.rows) {
      this.records += batch.numRows;
      this.sink.emit(batch);
      return;
    }
    for (const row of batchRows(batch)) {
      this.records++;
      this.sink.emit(row);
    }
  }

  private fatal(message: string, byteOffset: number, cause?: unknown): void {
    this.dead = true;
    this.sink.fail({ message, byteOffset, recordIndex: this.records, ...(cause === undefined ? {} : { cause }) }, undefined);
  }

  private advance(): void {
    let pos = 0;
    const buf = this.pending;
    if (this.stage === 'start') {
      if (buf.length < 8 && startsWithMagic(buf, true)) return;
      if (startsWithMagic(buf, false)) {
        this.file = true;
        pos = 8;
      }
      this.stage = 'messages';
    }
    if (this.stage === 'messages') {
      while (!this.dead) {
        let frame;
        try {
          frame = frameAt(buf, pos, this.maxMessageBytes);
        } catch (e) {
          const offset = e instanceof FramingError ? e.offset : 0;
          this.fatal(`corrupt Arrow IPC message: ${(e as Error).message}`, this.base + pos + offset, e);
          return;
        }
        if (typeof frame === 'number') {
          this.need = frame;
          break;
        }
        this.need = 0;
        const message = buf.subarray(pos, pos + frame.length);
        const at = this.base + pos;
        pos += frame.length;
        if (frame.headerType === 0) {
          if (this.file) {
            this.stage = 'footer';
            break;
          }
          this.schema = undefined;
          this.dictionaries = [];
          continue;
        }
        if (this.file && this.schema === undefined && frame.headerType !== HeaderType.Schema && !this.deferred) {
          // Writers such as apache-arrow JS put the schema of a file only in its footer: keep
          // the (checked) messages and the bytes until the footer has been read.
          this.deferred = true;
          this.all = [fileHeader, buf.slice(pos - frame.length)];
        }
        if (this.deferred) this.later.push({ type: frame.headerType, bytes: message.slice(), at });
        else this.message(frame.headerType, message, at);
      }
    }
    if (this.stage === 'footer') {
      // Only the trailing magic matters: the messages were read in stream order.
      const tail = buf.subarray(Math.max(pos, buf.length - 6));
      this.base += buf.length - tail.length;
      this.pending = tail.slice();
      return;
    }
    this.base += pos;
    this.pending = pos === 0 ? buf : buf.slice(pos);
    // `need` counted from the start of the unframed message, which is now pending[0].
  }

  private message(headerType: number, message: Uint8Array, at: number): void {
    if (headerType === HeaderType.Schema) {
      this.schema = message.slice();
      this.dictionaries = [];
      this.sawSchema = true;
      return;
    }
    if (this.schema === undefined) {
      this.fatal(`Arrow IPC message of type ${headerType} before any schema`, at);
      return;
    }
    if (headerType === HeaderType.DictionaryBatch) {
      this.dictionaries.push(message.slice());
      return;
    }
    if (headerType !== HeaderType.RecordBatch) return; // tensors are not records
    let batches: RecordBatch[];
    try {
      // An iterable of parts: apache-arrow reads a message lying in one part without copying it.
      batches = RecordBatchReader.from([this.schema, ...this.dictionaries, message]).readAll();
    } catch (e) {
      this.sink.fail({ message: `corrupt Arrow record batch: ${(e as Error).message}`, byteOffset: at, recordIndex: this.records, cause: e }, message.slice());
      return;
    }
    for (const batch of batches) this.emitBatch(batch);
  }
}

/** `ARROW1` and two bytes of padding. */
const fileHeader = Uint8Array.of(0x41, 0x52, 0x52, 0x4f, 0x57, 0x31, 0, 0);

function concatAll(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const r = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    r.set(p, o);
    o += p.length;
  }
  return r;
}

function endsWithMagic(buf: Uint8Array): boolean {
  return buf.length >= 6 && startsWithMagic(buf.subarray(buf.length - 6), false);
}
