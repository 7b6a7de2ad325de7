/**
 * Splits an Arrow IPC byte stream into encapsulated messages without decoding
 * them, so a decoder can wait for whole messages whatever the chunking. Reads
 * only the two Message fields it needs (header type, body length) from the
 * flatbuffer. See https://arrow.apache.org/docs/format/Columnar.html#encapsulated-message-format
 */

/** Message header types (Message.fbs). */
export const enum HeaderType {
  Schema = 1,
  DictionaryBatch = 2,
  RecordBatch = 3,
}

/** One framed message. */
export interface Frame {
  /** Bytes from the message start (continuation marker) to the end of its body. */
  readonly length: number;
  /** 0 for the end-of-stream marker. */
  readonly headerType: number;
}

/** Raised for bytes that cannot be an IPC message; `offset` is relative to the frame start. */
export class FramingError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Frames the message at `pos`, or returns how many bytes from `pos` are needed
 * before it can be framed (a lower bound when the header is not complete yet).
 */
export function frameAt(buf: Uint8Array, pos: number, maxMessageBytes: number): Frame | number {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const avail = buf.length - pos;
  if (avail < 4) return 8;
  let p = pos;
  let metaLength = view.getInt32(p, true);
  if (metaLength === -1) {
    if (avail < 8) return 8;
    metaLength = view.getInt32(p + 4, true);
    p += 8;
  } else {
    p += 4; // pre-0.15 format without the continuation marker
  }
  if (metaLength === 0) return { length: p - pos, headerType: 0 };
  if (metaLength < 0 || metaLength > maxMessageBytes) throw new FramingError(`invalid message metadata length ${metaLength}`, 0);
  if (buf.length - p < metaLength) return p - pos + metaLength;
  const { headerType, bodyLength } = readMessage(view, p, metaLength);
  if (bodyLength < 0 || bodyLength > maxMessageBytes) throw new FramingError(`invalid message body length ${bodyLength}`, p - pos);
  const length = p - pos + metaLength + bodyLength;
  if (avail < length) return length;
  return { length, headerType };
}

/** Bounds-checked reads of flatbuffer tables inside [start, end). */
class Flat {
  constructor(
    readonly view: DataView,
    readonly start: number,
    readonly end: number,
  ) {}
  check(at: number, bytes: number): void {
    if (at < this.start || at + bytes > this.end) throw new FramingError('corrupt message metadata (flatbuffer offset out of range)', at - this.start);
  }
  /** Position of the table an offset at `at` points to. */
  deref(at: number): number {
    this.check(at, 4);
    const t = at + this.view.getUint32(at, true);
    this.check(t, 4);
    return t;
  }
  /** Position of field `index` of the table at `table`, or 0 when absent. */
  field(table: number, index: number): number {
    const vtable = table - this.view.getInt32(table, true);
    this.check(vtable, 4);
    const size = this.view.getUint16(vtable, true);
    const entry = 4 + 2 * index;
    if (entry + 2 > size) return 0;
    this.check(vtable + entry, 2);
    const off = this.view.getUint16(vtable + entry, true);
    return off === 0 ? 0 : table + off;
  }
  int64(at: number): number {
    this.check(at, 8);
    return Number(this.view.getBigInt64(at, true));
  }
  /** A vector of `width`-byte structs: [first element position, count]. */
  structs(fieldAt: number, width: number): [number, number] {
    if (fieldAt === 0) return [0, 0];
    const v = this.deref(fieldAt);
    const count = this.view.getUint32(v, true);
    this.check(v + 4, count * width);
    return [v + 4, count];
  }
}

/** Reads Message.headerType and Message.bodyLength, and checks batch metadata against the body. */
function readMessage(view: DataView, start: number, size: number): { headerType: number; bodyLength: number } {
  const f = new Flat(view, start, start + size);
  const table = f.deref(start);
  const typeAt = f.field(table, 1);
  const lengthAt = f.field(table, 3);
  let headerType = 0;
  if (typeAt !== 0) {
    f.check(typeAt, 1);
    headerType = view.getUint8(typeAt);
  }
  const bodyLength = lengthAt === 0 ? 0 : f.int64(lengthAt);
  if (headerType < 1 || headerType > 5) throw new FramingError(`unknown message header type ${headerType}`, 0);
  if (headerType === HeaderType.RecordBatch || headerType === HeaderType.DictionaryBatch) {
    const headerAt = f.field(table, 2);
    if (headerAt === 0) throw new FramingError('batch message without a header', 0);
    let batch = f.deref(headerAt);
    if (headerType === HeaderType.DictionaryBatch) {
      const dataAt = f.field(batch, 1);
      if (dataAt === 0) throw new FramingError('dictionary batch without data', 0);
      batch = f.deref(dataAt);
    }
    checkBatch(f, batch, bodyLength);
  }
  return { headerType, bodyLength };
}

/**
 * Rejects record batch metadata that points outside the body or claims more
 * rows than the body can hold: apache-arrow trusts these numbers and can loop
 * for a very long time on a corrupt length.
 */
function checkBatch(f: Flat, batch: number, bodyLength: number): void {
  const maxRows = bodyLength * 8 + 65_536;
  const lengthAt = f.field(batch, 0);
  const rows = lengthAt === 0 ? 0 : f.int64(lengthAt);
  if (rows < 0 || rows > maxRows) throw new FramingError(`record batch length ${rows} does not fit a ${bodyLength}-byte body`, 0);
  const [nodes, nodeCount] = f.structs(f.field(batch, 1), 16);
  for (let i = 0; i < nodeCount; i++) {
    const length = f.int64(nodes + 16 * i);
    const nulls = f.int64(nodes + 16 * i + 8);
    if (length < 0 || length > maxRows || nulls < 0 || nulls > length) throw new FramingError(`field node ${i} has an impossible length ${length} / null count ${nulls}`, 0);
  }
  const [buffers, bufferCount] = f.structs(f.field(batch, 2), 16);
  for (let i = 0; i < bufferCount; i++) {
    const offset = f.int64(buffers + 16 * i);
    const length = f.int64(buffers + 16 * i + 8);
    if (offset < 0 || length < 0 || offset + length > bodyLength) throw new FramingError(`buffer ${i} lies outside the message body`, 0);
  }
}

/** Arrow file magic `ARROW1`. */
export const fileMagic = Uint8Array.of(0x41, 0x52, 0x52, 0x4f, 0x57, 0x31);

/** True when `buf` starts with (a prefix of, when `partial`) the file magic. */
export function startsWithMagic(buf: Uint8Array, partial: boolean): boolean {
  const n = Math.min(buf.length, fileMagic.length);
  if (!partial && n < fileMagic.length) return false;
  for (let i = 0; i < n; i++) if (buf[i] !== fileMagic[i]) return false;
  return true;
}
