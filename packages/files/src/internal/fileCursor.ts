/**
 * Positioned reads over one file. Reads go to explicit byte offsets (never a
 * stream's implicit position), which is what makes the readers replayable: the
 * byte offset of the next unconsumed byte is always known exactly.
 */
import { type FileHandle, open } from 'node:fs/promises';
import type { ComponentRef } from '@streamweave/core';
import { FileError } from '../fileError.js';

const empty = Buffer.alloc(0);

export class FileCursor {
  private handle: FileHandle | undefined;
  /** Unconsumed bytes live in buf[start..]; buf[0] is at file offset bufOffset. */
  buf: Buffer = empty;
  start = 0;
  private bufOffset: number;
  private readOffset: number;

  constructor(
    readonly path: string,
    readonly component: ComponentRef,
    private readonly chunkSize: number,
    fromOffset: number,
  ) {
    this.bufOffset = fromOffset;
    this.readOffset = fromOffset;
  }

  /** File offset of the next unconsumed byte. */
  get offset(): number {
    return this.bufOffset + this.start;
  }

  /** Drops buffered bytes and continues at `offset`. */
  seek(offset: number): void {
    this.buf = empty;
    this.start = 0;
    this.bufOffset = offset;
    this.readOffset = offset;
  }

  /** Marks `n` more bytes as consumed. */
  consume(n: number): void {
    this.start += n;
  }

  /** Appends the next chunk to the unconsumed bytes; returns the bytes read (0 at end of file). */
  async readMore(): Promise<number> {
    const handle = await this.ensureOpen();
    const chunk = Buffer.allocUnsafe(this.chunkSize);
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(chunk, 0, this.chunkSize, this.readOffset));
    } catch (e) {
      throw this.error('cannot read file', this.readOffset, e);
    }
    if (bytesRead === 0) return 0;
    const data = chunk.subarray(0, bytesRead);
    const rest = this.buf.length - this.start;
    // Copy only when a partial line spans chunks; otherwise the new chunk is used as is.
    this.buf = rest === 0 ? data : Buffer.concat([this.buf.subarray(this.start), data], rest + bytesRead);
    this.bufOffset += this.start;
    this.start = 0;
    this.readOffset += bytesRead;
    return bytesRead;
  }

  /** Reads one chunk at the consumed offset without buffering (chunk readers). */
  async readChunk(): Promise<Buffer> {
    const handle = await this.ensureOpen();
    const chunk = Buffer.allocUnsafe(this.chunkSize);
    try {
      const { bytesRead } = await handle.read(chunk, 0, this.chunkSize, this.readOffset);
      return chunk.subarray(0, bytesRead);
    } catch (e) {
      throw this.error('cannot read file', this.readOffset, e);
    }
  }

  /** Records that a chunk returned by readChunk was emitted. */
  advance(n: number): void {
    this.readOffset += n;
    this.bufOffset = this.readOffset;
  }

  /** Current file size (follow mode checks it for truncation). */
  async size(): Promise<number> {
    const handle = await this.ensureOpen();
    try {
      return (await handle.stat()).size;
    } catch (e) {
      throw this.error('cannot stat file', this.readOffset, e);
    }
  }

  /** Bytes read ahead but not consumed. */
  get readAhead(): number {
    return this.readOffset - this.offset;
  }

  async ensureOpen(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    try {
      this.handle = await open(this.path, 'r');
    } catch (e) {
      throw this.error(`cannot open file${describeCode(e)}`, this.offset, e);
    }
    return this.handle;
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    await h?.close();
  }

  error(message: string, offset: number, cause?: unknown): FileError {
    return new FileError(message, { component: this.component, path: this.path, offset, cause });
  }
}

function describeCode(e: unknown): string {
  switch ((e as { code?: unknown } | undefined)?.code) {
    case 'ENOENT':
      return ' (it does not exist)';
    case 'EACCES':
    case 'EPERM':
      return ' (permission denied)';
    case 'EISDIR':
      return ' (it is a directory)';
    default:
      return '';
  }
}
