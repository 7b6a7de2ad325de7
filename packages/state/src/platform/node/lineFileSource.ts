import { type FileHandle, open } from 'node:fs/promises';
import { defineProducer, InvalidArgumentError, type NodeOptions, type Producer, StreamWeaveError } from '@streamweave/core';

/** Options of {@link lineFileSource}. */
export interface LineFileSourceOptions extends NodeOptions {
  /** Bytes read per system call (default 64 KiB). */
  readonly chunkBytes?: number;
}

const newline = 0x0a;

/**
 * A replayable source of the lines of a UTF-8 text file. Its position is the byte
 * offset after the last emitted line, so a restored run seeks straight there and
 * neither skips nor repeats a line. A last line without a newline is emitted too.
 *
 * @example
 * ```ts
 * await coordinator.run(pipeline().from(lineFileSource('./in.txt', { name: 'in' })).to(sink));
 * ```
 * @see {@link exactlyOnceFileSink}
 */
export function lineFileSource(path: string, options: LineFileSourceOptions = {}): Producer<string> {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError('lineFileSource: `path` must be a non-empty file path');
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  return defineProducer<string>('lineFileSource', { path }, options, (ctx) => {
    let fh: Promise<FileHandle> | undefined;
    let offset = 0; // file offset of the next read
    let emitted = 0; // byte offset after the last emitted line
    let carry: Buffer = Buffer.alloc(0);
    const lines: Array<[string, number]> = [];
    let eof = false;
    const handle = () => (fh ??= open(path, 'r'));
    return {
      async seek(position) {
        if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) {
          throw new StreamWeaveError(`cannot seek to ${JSON.stringify(position)}: expected a byte offset`, { component: ctx.component });
        }
        offset = emitted = position;
      },
      position: () => emitted,
      async pull(emit, demand) {
        while (lines.length === 0 && !eof) {
          const buf = Buffer.allocUnsafe(chunkBytes);
          const { bytesRead } = await (await handle()).read(buf, 0, chunkBytes, offset);
          if (bytesRead === 0) {
            eof = true;
            if (carry.length > 0) lines.push([carry.toString('utf8'), offset]);
            carry = Buffer.alloc(0);
            break;
          }
          const data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
          const base = offset - carry.length;
          offset += bytesRead;
          let start = 0;
          for (let i = data.indexOf(newline); i >= 0; i = data.indexOf(newline, start)) {
            lines.push([data.toString('utf8', start, i), base + i + 1]);
            start = i + 1;
          }
          carry = Buffer.from(data.subarray(start));
        }
        const n = Math.min(demand, lines.length);
        for (let i = 0; i < n; i++) {
          const [line, end] = lines.shift()!;
          emitted = end;
          emit(line);
        }
        return !(eof && lines.length === 0);
      },
      async close() {
        if (fh) await (await fh).close();
      },
    };
  });
}
