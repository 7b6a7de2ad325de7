/// <reference types="node" />
/** The writing half of a file sink whose bytes come from its own encoder (Node). */
import { open as openFile, type FileHandle } from 'node:fs/promises';

/** Options of {@link serialFileWriter}. */
export interface SerialFileWriterOptions {
  /** Bytes written first, when the file is created (a container header). */
  readonly header?: () => Uint8Array;
}

/** Writes of a file sink, one at a time and in order. Made by {@link serialFileWriter}. */
export interface SerialFileWriter {
  /** Bytes written so far (the header included). */
  readonly bytes: number;
  /**
   * Queues `chunks` after every earlier write; the first write creates (or truncates) the file
   * and writes the header, even with no chunks. Rejects with the first write failure, as does
   * every later write.
   */
  write(chunks: readonly Uint8Array[]): Promise<void>;
  /** Waits for the queued writes, then syncs and closes the file (a sink's `complete`). */
  finish(): Promise<void>;
  /** Closes the file once the queued writes settled, ignoring failures (a sink's `teardown`). */
  teardown(): void;
}

/**
 * The writing half of a file sink that encodes its records itself (Avro blocks,
 * length-delimited Protocol Buffers): the file is opened at the first write, writes never
 * overlap or reorder, the file is synced before it is closed at the end, and a torn-down run
 * closes it only after the write in flight.
 *
 * @param path - the file, created or truncated
 * @param options - a header written when the file is created
 * @returns the writer
 * @example
 * ```ts
 * defineConsumer<T, { bytes: number }>('writeFramedFile', { path }, options, () => {
 *   const file = serialFileWriter(path, { header: () => magic });
 *   return {
 *     item: (record) => file.write([frame(record)]),
 *     complete: async () => (await file.finish(), { bytes: file.bytes }),
 *     teardown: () => file.teardown(),
 *   };
 * });
 * ```
 * @see writeCodecFile
 * @see chunkedFileReader
 */
export function serialFileWriter(path: string, options: SerialFileWriterOptions = {}): SerialFileWriter {
  let handle: FileHandle | undefined;
  let bytes = 0;
  let writing: Promise<void> = Promise.resolve();
  const append = async (fh: FileHandle, data: Uint8Array) => {
    if (data.length > 0) await fh.write(data);
    bytes += data.length;
  };
  return {
    get bytes() {
      return bytes;
    },
    write(chunks) {
      writing = writing.then(async () => {
        if (!handle) {
          handle = await openFile(path, 'w');
          if (options.header) await append(handle, options.header());
        }
        for (const c of chunks) await append(handle, c);
      });
      return writing;
    },
    async finish() {
      await this.write([]);
      await handle?.sync();
      await handle?.close();
      handle = undefined;
    },
    teardown() {
      void writing.finally(() => handle?.close()).catch(() => undefined);
    },
  };
}
