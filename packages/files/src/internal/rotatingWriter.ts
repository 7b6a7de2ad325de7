/**
 * Writes bytes to a file, or to numbered part files rotated by size and/or time.
 * Backpressure: a write that fills the stream's buffer returns a promise that
 * settles on 'drain', and the consumer holds its credit until then.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { type Cancel, InvalidArgumentError, type NodeContext } from '@streamweave/core';
import { FileError } from '../fileError.js';

/** Rotation settings of {@link writeLines} and {@link writeChunks}. */
export interface RotateOptions {
  /** Start a new part before a write would take the current one past this many bytes. */
  readonly maxBytes?: number;
  /** Start a new part this often (ms on the run's clock); the finished part is closed then. */
  readonly intervalMs?: number;
  /** Names part `index` (0-based) of `path` (default `<stem>-00000<ext>`, e.g. `out-00003.log`). */
  readonly partName?: (path: string, index: number) => string;
}

/** Validates rotation options. */
export function checkRotate(component: string, rotate: RotateOptions | undefined): RotateOptions | undefined {
  if (rotate === undefined) return undefined;
  if (typeof rotate !== 'object' || rotate === null) throw new InvalidArgumentError(`${component}: \`rotate\` must be an object`);
  for (const key of ['maxBytes', 'intervalMs'] as const) {
    const v = rotate[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v > 0)) {
      throw new InvalidArgumentError(`${component}: \`rotate.${key}\` must be a positive integer, got ${String(v)}`);
    }
  }
  if (rotate.maxBytes === undefined && rotate.intervalMs === undefined) {
    throw new InvalidArgumentError(`${component}: \`rotate\` needs maxBytes and/or intervalMs`);
  }
  if (rotate.partName !== undefined && typeof rotate.partName !== 'function') {
    throw new InvalidArgumentError(`${component}: \`rotate.partName\` must be a function`);
  }
  return rotate;
}

/** Default part name: `dir/stem-00000.ext`. */
export function defaultPartName(path: string, index: number): string {
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}-${String(index).padStart(5, '0')}${ext}`);
}

export class RotatingWriter {
  readonly files: string[] = [];
  bytes = 0;
  private stream: WriteStream | undefined;
  private partBytes = 0;
  private error: unknown;
  private cancelTimer: Cancel | undefined;
  private readonly closing: Promise<void>[] = [];

  constructor(
    private readonly path: string,
    private readonly rotate: RotateOptions | undefined,
    private readonly append: boolean,
    private readonly highWaterMark: number,
    private readonly ctx: NodeContext,
  ) {}

  /** Writes one record's bytes; returns a promise only when the caller must wait (drain or rotation). */
  write(data: string | Uint8Array, byteLength: number, position: number): void | Promise<void> {
    if (this.error !== undefined) throw this.error;
    const max = this.rotate?.maxBytes;
    if (this.stream && max !== undefined && this.partBytes > 0 && this.partBytes + byteLength > max) {
      return this.closePart().then(() => this.write(data, byteLength, position));
    }
    const stream = this.stream ?? this.openPart();
    const file = this.files[this.files.length - 1]!;
    const offset = this.partBytes;
    this.partBytes += byteLength;
    this.bytes += byteLength;
    if (stream.write(data)) return undefined;
    return new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        stream.off('error', onError);
        resolve();
      };
      const onError = (e: unknown) => {
        stream.off('drain', onDrain);
        reject(this.fail(e, file, offset, position));
      };
      stream.once('drain', onDrain);
      stream.once('error', onError);
    });
  }

  /** Closes the last part (creating an empty file when nothing was written) and reports any write error. */
  async finish(): Promise<void> {
    if (this.files.length === 0 && this.error === undefined) this.openPart();
    await this.closePart();
    await Promise.all(this.closing);
    if (this.error !== undefined) throw this.error;
  }

  /** Stops timers and closes the open part without waiting (the run is ending anyway). */
  abandon(): void {
    this.cancelTimer?.();
    this.stream?.destroy();
    this.stream = undefined;
  }

  private openPart(): WriteStream {
    const index = this.files.length;
    const file = this.rotate ? (this.rotate.partName ?? defaultPartName)(this.path, index) : this.path;
    this.files.push(file);
    this.partBytes = 0;
    const stream = createWriteStream(file, { flags: this.append ? 'a' : 'w', highWaterMark: this.highWaterMark });
    // Errors surface on the next write or at finish; keep the first, with the file and offset.
    stream.on('error', (e) => {
      this.error ??= this.fail(e, file, this.partBytes, undefined);
    });
    this.stream = stream;
    const interval = this.rotate?.intervalMs;
    if (interval !== undefined) {
      this.cancelTimer = this.ctx.clock.schedule(() => {
        this.cancelTimer = undefined;
        if (this.stream === stream) this.closing.push(this.closePart().catch(() => undefined));
      }, interval);
    }
    return stream;
  }

  private closePart(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return Promise.resolve();
    // 'close' (not 'finish') so the descriptor is released when a part is reported done; it follows errors too.
    return new Promise<void>((resolve, reject) => {
      stream.once('close', () => (this.error === undefined ? resolve() : reject(this.error)));
      stream.end();
    });
  }

  private fail(cause: unknown, file: string, offset: number, position: number | undefined): FileError {
    if (cause instanceof FileError) return cause;
    const code = (cause as { code?: unknown }).code;
    const what = code === 'ENOENT' ? ' (its directory does not exist)' : code === 'EACCES' || code === 'EPERM' ? ' (permission denied)' : '';
    return new FileError(`cannot write file${what}`, {
      component: this.ctx.component,
      path: file,
      offset,
      ...(position === undefined ? {} : { position }),
      cause,
    });
  }
}
