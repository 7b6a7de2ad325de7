/**
 * Splits a file cursor's bytes into lines. Lines are cut on the byte 0x0A before
 * decoding: in UTF-8 (and latin1/ascii) that byte never occurs inside a multi-byte
 * character, so a character split across two chunks is always decoded whole.
 */
import type { FileCursor } from './fileCursor.js';
import type { LineEncoding } from './options.js';
import { LineTooLongError } from './policy.js';

const LF = 10;
const CR = 13;

export interface SplitResult {
  /** Lines emitted by this call. */
  readonly emitted: number;
  /** The end of the file was reached (and, unless holding partial lines, everything was emitted). */
  readonly eof: boolean;
}

export class LineSplitter {
  /** After an over-long line was reported, its remaining bytes are dropped up to the next newline. */
  private discarding = false;
  private scanFrom = 0;

  constructor(
    private readonly cursor: FileCursor,
    private readonly encoding: LineEncoding,
    private readonly maxLineLength: number,
    /** Tail mode: a last line without newline may still be being written, so it is not emitted at EOF. */
    private readonly holdPartialAtEof: boolean,
  ) {}

  /** Forgets scan state after the cursor seeks. */
  reset(): void {
    this.discarding = false;
    this.scanFrom = 0;
  }

  async next(emit: (line: string) => void, demand: number): Promise<SplitResult> {
    const cur = this.cursor;
    let emitted = 0;
    while (emitted < demand) {
      const buf = cur.buf;
      const start = cur.start;
      const idx = buf.indexOf(LF, Math.max(start, this.scanFrom));
      if (idx >= 0) {
        this.scanFrom = 0;
        if (this.discarding) {
          this.discarding = false;
          cur.consume(idx + 1 - start);
          continue;
        }
        const end = idx > start && buf[idx - 1] === CR ? idx - 1 : idx;
        if (end - start > this.maxLineLength) this.tooLong(idx + 1 - start);
        const line = buf.toString(this.encoding, start, end);
        cur.consume(idx + 1 - start);
        emit(line);
        emitted++;
        continue;
      }
      let pending = buf.length - start;
      if (this.discarding) {
        cur.consume(pending);
        pending = 0;
      } else if (pending > this.maxLineLength + 1) {
        // +1: the pending bytes may end with the CR of a CRLF whose LF is in the next chunk.
        this.tooLong(pending);
      }
      // The pending bytes, already scanned, become the head of the buffer after the read.
      this.scanFrom = buf.length;
      if ((await cur.readMore()) > 0) {
        this.scanFrom = pending;
        continue;
      }
      this.scanFrom = 0;
      // End of file.
      const rest = cur.buf.length - cur.start;
      if (rest > 0 && !this.holdPartialAtEof && !this.discarding) {
        if (rest > this.maxLineLength) this.tooLong(rest);
        const line = cur.buf.toString(this.encoding, cur.start, cur.buf.length);
        cur.consume(rest);
        emit(line);
        emitted++;
      }
      return { emitted, eof: true };
    }
    return { emitted, eof: false };
  }

  private tooLong(bytes: number): never {
    const cur = this.cursor;
    const offset = cur.offset;
    // Skip/retry strategies call pull again: continue after this line instead of failing on it forever.
    cur.consume(bytes);
    if (cur.buf[cur.start - 1] !== LF) this.discarding = true;
    this.scanFrom = 0;
    throw new LineTooLongError(`line longer than maxLineLength=${this.maxLineLength} bytes`, {
      component: cur.component,
      path: cur.path,
      offset,
    });
  }
}
