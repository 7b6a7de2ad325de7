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

/** Frames the message at `pos`, or returns undefined when more bytes are needed. */
export function frameAt(buf: Uint8Array, pos: number, maxMessageBytes: number): Frame | undefined {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const avail = buf.length - pos;
  if (avail < 4) return undefined;
  let p = pos;
  let metaLength = view.getInt32(p, true);
  if (metaLength === -1) {
    if (avail < 8) return undefined;
    metaLength = view.getInt32(p + 4, true);
    p += 8;
  } else {
    p += 4; // pre-0.15 format without the continuation marker
  }
  if (metaLength === 0) return { length: p - pos, headerType: 0 };
  if (metaLength < 0 || metaLength > maxMessageBytes) throw new FramingError(`invalid message metadata length ${metaLength}`, 0);
  if (buf.length - p < metaLength) return undefined;
  const { headerType, bodyLength } = readMessage(view, p, metaLength);
  if (bodyLength < 0 || bodyLength > maxMessageBytes) throw new FramingError(`invalid message body length ${bodyLength}`, p - pos);
  const length = p - pos + metaLength + bodyLength;
  if (avail < length) return undefined;
  return { length, headerType };
}

/** Reads Message.headerType (field 1) and Message.bodyLength (field 3) from the flatbuffer at `start`. */
function readMessage(view: DataView, start: number, size: number): { headerType: number; bodyLength: number } {
  const end = start + size;
  const check = (at: number, bytes: number) => {
    if (at < start || at + bytes > end) throw new FramingError('corrupt message metadata (flatbuffer offset out of range)', at - start);
  };
  check(start, 4);
  const table = start + view.getUint32(start, true);
  check(table, 4);
  const vtable = table - view.getInt32(table, true);
  check(vtable, 4);
  const vtableSize = view.getUint16(vtable, true);
  const field = (index: number): number => {
    const entry = 4 + 2 * index;
    if (entry + 2 > vtableSize) return 0;
    check(vtable + entry, 2);
    return view.getUint16(vtable + entry, true);
  };
  const typeOffset = field(1);
  const lengthOffset = field(3);
  let headerType = 0;
  if (typeOffset !== 0) {
    check(table + typeOffset, 1);
    headerType = view.getUint8(table + typeOffset);
  }
  let bodyLength = 0;
  if (lengthOffset !== 0) {
    check(table + lengthOffset, 8);
    bodyLength = Number(view.getBigInt64(table + lengthOffset, true));
  }
  if (headerType < 1 || headerType > 5) throw new FramingError(`unknown message header type ${headerType}`, 0);
  return { headerType, bodyLength };
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
