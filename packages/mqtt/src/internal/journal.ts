/**
 * The write-ahead journal of `mqttSource`: an append-only log of received QoS ≥ 1
 * messages in segment files, so a message acknowledged to the broker can be replayed
 * after a crash until a checkpoint covered it.
 *
 * Layout: one directory per client id, segment files `<first seq, 16 digits>.journal`.
 * Sequence numbers are consecutive inside a segment; a new segment starts at every run
 * start, at every checkpoint barrier (`roll`) and past `segmentBytes`, so a completed
 * checkpoint deletes whole files (`deleteThrough`).
 *
 * Record framing (little endian):
 * `u32 bodyLength | u32 crc32(body) | body`, body = `u8 flags (bits 0-1 qos, bit 2 retain) |
 * u48 seq | u16 topicLength | topic (UTF-8) | payload`.
 * Segments are read in bounded chunks (1 MiB, or one record when bigger), never whole.
 * A record cut short at the end of the newest segment (a torn write) is ignored and cut
 * off when the journal is opened; any other bad record is an error naming the file, the
 * byte offset and the cause.
 *
 * One writer: an open journal holds `<dir>/lock` (created exclusively, holding the pid) until
 * it is closed; a lock whose process is no longer alive (a crash) is taken over.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, fstatSync, ftruncateSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';

/** One journaled message. */
export interface JournalRecord {
  readonly seq: number;
  readonly qos: number;
  readonly retain: boolean;
  readonly topic: string;
  readonly payload: Buffer;
}

/** A journal failure: what went wrong, in which file, at which byte. The source adds its component. */
export class JournalError extends Error {
  override readonly name = 'JournalError';
  constructor(
    message: string,
    readonly file: string,
    readonly offset: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${message} (at ${file}${offset === undefined ? '' : `, byte ${offset}`})`, options);
  }
}

const headerBytes = 8;
const fixedBodyBytes = 1 + 6 + 2;
const suffix = '.journal';
const segmentName = (seq: number) => `${String(seq).padStart(16, '0')}${suffix}`;
const segmentPattern = /^(\d{16})\.journal$/;

const table = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC-32 (zlib's where Node has it, ≥ 20.15; the same polynomial in JavaScript otherwise). */
export const crc32: (data: Buffer) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (data) => (zlib as unknown as { crc32(d: Buffer): number }).crc32(data)
    : (data) => {
        let c = -1;
        for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
        return (c ^ -1) >>> 0;
      };

/** Encodes one record, frame header included. */
export function encodeRecord(r: JournalRecord): Buffer {
  const topicLength = Buffer.byteLength(r.topic);
  if (topicLength > 0xffff) throw new RangeError(`topic longer than 65535 bytes`);
  const bodyLength = fixedBodyBytes + topicLength + r.payload.length;
  const buf = Buffer.allocUnsafe(headerBytes + bodyLength);
  buf.writeUInt32LE(bodyLength, 0);
  buf.writeUInt8((r.qos & 3) | (r.retain ? 4 : 0), 8);
  buf.writeUIntLE(r.seq, 9, 6);
  buf.writeUInt16LE(topicLength, 15);
  buf.write(r.topic, 17, 'utf8');
  r.payload.copy(buf, 17 + topicLength);
  buf.writeInt32LE(crc32(buf.subarray(headerBytes)) | 0, 4);
  return buf;
}

/** What {@link decodeSegment} found in one segment file. */
export interface DecodedSegment {
  readonly records: JournalRecord[];
  /** Bytes of whole, valid records; beyond it lies a torn tail (when `torn`). */
  readonly validBytes: number;
  /** True when the file ends in a record cut short. */
  readonly torn: boolean;
}

/** Where a segment's bytes come from: `read` returns exactly `length` bytes at `offset` (within `size`), valid until the next `read`. */
interface SegmentBytes {
  readonly size: number;
  read(offset: number, length: number): Buffer;
}

/** What {@link decodeRecords} returns once it has yielded every record. */
type SegmentEnd = Omit<DecodedSegment, 'records'>;

/**
 * Decodes the records of one segment, one at a time. A record cut short at the end (length
 * beyond the end, or a bad checksum on the very last record) is a torn tail: `torn: true`
 * when `tornTailAllowed`, an error otherwise; a bad record followed by more bytes, or a
 * sequence number out of order, is an error.
 */
function* decodeRecords(src: SegmentBytes, file: string, firstSeq: number, tornTailAllowed: boolean): Generator<JournalRecord, SegmentEnd> {
  let n = 0;
  let offset = 0;
  const size = src.size;
  const torn = (why: string): SegmentEnd => {
    if (!tornTailAllowed) throw new JournalError(`corrupt record #${n} (seq ${firstSeq + n}): ${why}`, file, offset);
    return { validBytes: offset, torn: true };
  };
  while (offset < size) {
    if (size - offset < headerBytes) return torn('the file ends inside a record header');
    const header = src.read(offset, headerBytes);
    const bodyLength = header.readUInt32LE(0);
    const checksum = header.readInt32LE(4);
    const end = offset + headerBytes + bodyLength;
    if (end > size) return torn(`the record is ${bodyLength} bytes long but the file ends ${size - offset - headerBytes} bytes after its header`);
    const body = src.read(offset + headerBytes, bodyLength);
    if ((crc32(body) | 0) !== checksum) {
      if (end === size) return torn('checksum mismatch in the last record');
      throw new JournalError(`corrupt record #${n} (seq ${firstSeq + n}): checksum mismatch`, file, offset);
    }
    if (bodyLength < fixedBodyBytes) throw new JournalError(`corrupt record #${n}: body of ${bodyLength} bytes is shorter than its fixed fields`, file, offset);
    const flags = body.readUInt8(0);
    const seq = body.readUIntLE(1, 6);
    const topicLength = body.readUInt16LE(7);
    if (fixedBodyBytes + topicLength > bodyLength) throw new JournalError(`corrupt record #${n}: topic length ${topicLength} exceeds the record`, file, offset);
    const expected = firstSeq + n;
    if (seq !== expected) throw new JournalError(`corrupt record #${n}: sequence number ${seq}, expected ${expected}`, file, offset);
    const record: JournalRecord = {
      seq,
      qos: flags & 3,
      retain: (flags & 4) !== 0,
      topic: body.toString('utf8', fixedBodyBytes, fixedBodyBytes + topicLength),
      // A copy: the bytes read are reused for the next records.
      payload: Buffer.from(body.subarray(fixedBodyBytes + topicLength)),
    };
    offset = end;
    n++;
    yield record;
  }
  return { validBytes: offset, torn: false };
}

/** Decodes all records of a segment held in memory; see {@link decodeRecords} for what is an error. */
export function decodeSegment(buf: Buffer, file: string, firstSeq: number, tornTailAllowed: boolean): DecodedSegment {
  const records: JournalRecord[] = [];
  const it = decodeRecords({ size: buf.length, read: (offset, length) => buf.subarray(offset, offset + length) }, file, firstSeq, tornTailAllowed);
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return { records, ...r.value };
    records.push(r.value);
  }
}

/**
 * Reads a segment file through a window of `chunkBytes` (grown only to fit a bigger record),
 * so replaying a 64 MiB segment does not hold it in memory. Closes the file when done,
 * failed, or abandoned (`return()` on the generator).
 */
export function* readSegmentFile(file: string, firstSeq: number, tornTailAllowed: boolean, chunkBytes = 1024 * 1024): Generator<JournalRecord, SegmentEnd> {
  let fd: number;
  let size: number;
  try {
    fd = openSync(file, 'r');
    size = fstatSync(fd).size;
  } catch (e) {
    throw new JournalError('cannot read a journal segment', file, undefined, { cause: e });
  }
  try {
    let window = Buffer.allocUnsafe(Math.min(chunkBytes, size));
    let windowStart = 0;
    let windowBytes = 0;
    const read = (offset: number, length: number): Buffer => {
      if (offset >= windowStart && offset + length <= windowStart + windowBytes) return window.subarray(offset - windowStart, offset - windowStart + length);
      if (length > window.length) window = Buffer.allocUnsafe(length);
      const want = Math.min(window.length, size - offset);
      let got = 0;
      try {
        while (got < want) {
          const k = readSync(fd, window, got, want - got, offset + got);
          if (k === 0) break;
          got += k;
        }
      } catch (e) {
        throw new JournalError('cannot read a journal segment', file, offset, { cause: e });
      }
      if (got < length) throw new JournalError(`the segment shrank while it was read (${got} of ${length} bytes)`, file, offset);
      windowStart = offset;
      windowBytes = got;
      return window.subarray(0, length);
    };
    return yield* decodeRecords({ size, read }, file, firstSeq, tornTailAllowed);
  } finally {
    closeSync(fd);
  }
}

/** Options of {@link Journal.open}. */
export interface JournalSettings {
  /** fsync each append (and the directory at each new segment) before returning. */
  readonly fsync: boolean;
  /** Start a new segment once the current one holds this many bytes (default 64 MiB). */
  readonly segmentBytes?: number;
  /** Read segments in chunks of this many bytes (default 1 MiB; a bigger record is read whole). */
  readonly readChunkBytes?: number;
}

/** The segment files of a journal directory, oldest first, with their first sequence numbers. */
export function listSegments(dir: string): Array<{ readonly seq: number; readonly file: string }> {
  const out: Array<{ seq: number; file: string }> = [];
  for (const name of readdirSync(dir)) {
    const m = segmentPattern.exec(name);
    if (m) out.push({ seq: Number(m[1]), file: join(dir, name) });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/**
 * Deletes the segments whose records all have seq ≤ `seq` (a segment ends where the next
 * begins), never the newest one, which tells the next run where numbering continues.
 * Returns the deleted files.
 */
export function deleteThrough(dir: string, seq: number): string[] {
  let segments: Array<{ seq: number; file: string }>;
  try {
    segments = listSegments(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new JournalError('cannot list the journal directory', dir, undefined, { cause: e });
  }
  const deleted: string[] = [];
  for (let i = 0; i + 1 < segments.length; i++) {
    if (segments[i + 1]!.seq - 1 > seq) break;
    try {
      unlinkSync(segments[i]!.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new JournalError('cannot delete a journal segment', segments[i]!.file, undefined, { cause: e });
    }
    deleted.push(segments[i]!.file);
  }
  return deleted;
}

const lockName = 'lock';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The pid a lock file names, undefined when it names none (a crash between creating and writing it). */
function lockHolder(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new JournalError('cannot read the journal lock', file, undefined, { cause: e });
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Takes the journal's lock: creates `<dir>/lock` exclusively with this process's pid. A lock
 * held by a live process (this one included: another open journal of the same directory)
 * is an error naming the holder; a lock whose process is gone is stale and taken over.
 * Returns the lock file.
 */
export function acquireLock(dir: string): string {
  const file = join(dir, lockName);
  for (let attempt = 1; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 3) throw new JournalError('cannot create the journal lock', file, undefined, { cause: e });
    }
    const holder = lockHolder(file);
    if (holder !== undefined && alive(holder)) {
      const who = holder === process.pid ? `this process (pid ${holder}): another run of the source has it open` : `process ${holder}`;
      throw new JournalError(`the journal ${dir} is locked by ${who}; two runs must not share one journal directory`, file, undefined);
    }
    // Stale: its process died without closing the journal.
    try {
      unlinkSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new JournalError('cannot remove a stale journal lock', file, undefined, { cause: e });
    }
  }
}

/** Releases a lock taken by {@link acquireLock}, unless another process took it over meanwhile. */
export function releaseLock(file: string): void {
  if (lockHolder(file) !== process.pid) return;
  try {
    unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new JournalError('cannot remove the journal lock', file, undefined, { cause: e });
  }
}

/** An open journal: replays what it holds, appends new records. Synchronous, one writer (the lock). */
export class Journal {
  /** Sequence number of the next append. */
  get nextSeq(): number {
    return this.next;
  }
  /** First sequence number still held (equal to `nextSeq` when empty). */
  readonly firstSeq: number;

  private fd: number | undefined;
  private file = '';
  private bytes = 0;
  private rollPending = true;
  private readonly segmentBytes: number;

  private constructor(
    readonly dir: string,
    private readonly settings: JournalSettings,
    private readonly segments: ReadonlyArray<{ readonly seq: number; readonly file: string }>,
    private next: number,
    private lock: string | undefined,
  ) {
    this.firstSeq = segments[0]?.seq ?? next;
    this.segmentBytes = settings.segmentBytes ?? 64 * 1024 * 1024;
  }

  /**
   * Opens (creating) the journal in `dir`: reads the newest segment to find where numbering
   * continues and cuts a torn tail off it. `minNextSeq` raises the next sequence number
   * (a checkpoint restored past the journal's end). Appends go to a new segment. Takes the
   * directory's lock until {@link Journal.close} (fails when a live process holds it).
   */
  static open(dir: string, settings: JournalSettings, minNextSeq = 1): Journal {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new JournalError('cannot create the journal directory', dir, undefined, { cause: e });
    }
    const lock = acquireLock(dir);
    try {
      return Journal.openLocked(dir, settings, minNextSeq, lock);
    } catch (e) {
      releaseLock(lock);
      throw e;
    }
  }

  private static openLocked(dir: string, settings: JournalSettings, minNextSeq: number, lock: string): Journal {
    let segments: Array<{ seq: number; file: string }>;
    try {
      segments = listSegments(dir);
    } catch (e) {
      throw new JournalError('cannot list the journal directory', dir, undefined, { cause: e });
    }
    let next = minNextSeq;
    const last = segments[segments.length - 1];
    if (last) {
      // Streamed: only the count of records, where they end, and whether the tail is torn are needed.
      const it = readSegmentFile(last.file, last.seq, true, settings.readChunkBytes);
      let count = 0;
      let r = it.next();
      for (; !r.done; r = it.next()) count++;
      const decoded = { ...r.value, count };
      if (decoded.torn) {
        try {
          const fd = openSync(last.file, 'r+');
          try {
            ftruncateSync(fd, decoded.validBytes);
            if (settings.fsync) fsyncSync(fd);
          } finally {
            closeSync(fd);
          }
        } catch (e) {
          throw new JournalError('cannot cut the torn tail off a journal segment', last.file, decoded.validBytes, { cause: e });
        }
      }
      next = Math.max(next, last.seq + decoded.count);
    }
    return new Journal(dir, settings, segments, next, lock);
  }

  /** The held records with seq > `afterSeq`, oldest first, read in bounded chunks (call `return()` to stop early and close the file). */
  *replay(afterSeq: number): Generator<JournalRecord> {
    const segments = this.segments;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      // Wholly at or before afterSeq: the next segment starts at or before afterSeq + 1.
      if (i + 1 < segments.length && segments[i + 1]!.seq - 1 <= afterSeq) continue;
      for (const r of readSegmentFile(s.file, s.seq, i === segments.length - 1, this.settings.readChunkBytes)) if (r.seq > afterSeq) yield r;
    }
  }

  /** The next append starts a new segment (a checkpoint barrier passed). */
  roll(): void {
    if (this.fd !== undefined && this.bytes > 0) this.rollPending = true;
  }

  /** Appends one record with one write (and an fsync when configured); returns its seq. */
  append(qos: number, retain: boolean, topic: string, payload: Buffer): number {
    if (this.rollPending || this.bytes >= this.segmentBytes) this.startSegment();
    const seq = this.next;
    const buf = encodeRecord({ seq, qos, retain, topic, payload });
    try {
      writeSync(this.fd!, buf, 0, buf.length);
      if (this.settings.fsync) fsyncSync(this.fd!);
    } catch (e) {
      // A partial write would leave garbage before the next record: cut it off (the next open cuts a torn tail too).
      try {
        ftruncateSync(this.fd!, this.bytes);
      } catch {
        // The original error says more.
      }
      throw new JournalError(`cannot append record seq ${seq}`, this.file, this.bytes, { cause: e });
    }
    this.bytes += buf.length;
    this.next++;
    return seq;
  }

  /** Closes the open segment and releases the lock; the journal cannot append afterwards. */
  close(): void {
    this.closeSegment();
    const lock = this.lock;
    this.lock = undefined;
    if (lock !== undefined) releaseLock(lock);
  }

  private closeSegment(): void {
    const fd = this.fd;
    this.fd = undefined;
    this.rollPending = true;
    if (fd !== undefined) closeSync(fd);
  }

  private startSegment(): void {
    if (this.lock === undefined) throw new JournalError('the journal was closed', this.dir, undefined);
    this.closeSegment();
    const file = join(this.dir, segmentName(this.next));
    try {
      // 'a': a segment of this number left by a run that crashed before appending to it is reused.
      this.fd = openSync(file, 'a');
      this.bytes = statSync(file).size;
      if (this.settings.fsync) {
        const d = openSync(this.dir, 'r');
        try {
          fsyncSync(d);
        } finally {
          closeSync(d);
        }
      }
    } catch (e) {
      this.fd = undefined;
      throw new JournalError('cannot create a journal segment', file, undefined, { cause: e });
    }
    this.file = file;
    this.rollPending = false;
  }
}
