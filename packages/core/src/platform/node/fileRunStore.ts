/// <reference types="node" />
/**
 * Node-only: a {@link SortRunStore} that spills sorted runs to files, so
 * `externalSort` can sort inputs larger than memory.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import type { SortRunStore } from '../../operators/sortRunStore.js';

/** Options of {@link fileRunStore}. */
export interface FileRunStoreOptions<T> {
  /** Parent directory of the run files (default: the OS temp directory); a private subdirectory is created in it. */
  readonly dir?: string;
  /** One item to one line of text without newlines (default `JSON.stringify`). */
  readonly serialize?: (item: T) => string;
  /** The inverse of `serialize` (default `JSON.parse`). */
  readonly deserialize?: (line: string) => T;
  /** Lines per batch handed to the merge (default 4096). */
  readonly batchSize?: number;
}

/**
 * Spills sorted runs to newline-delimited files in a private temporary
 * directory, removed by `dispose()`. Reading streams each file in 1 MiB chunks,
 * so memory during the merge is one chunk per run.
 *
 * @example
 * ```ts
 * import { externalSort, pipeline } from '@streamweave/core';
 * import { fileRunStore } from '@streamweave/core/node';
 * pipeline().from(rows).pipe(externalSort({ key: (r) => r.id, maxBytesInMemory: 50e6, store: () => fileRunStore() })).to(sink);
 * ```
 * @see `externalSort` and `memoryRunStore` in `@streamweave/core`
 */
export function fileRunStore<T>(options: FileRunStoreOptions<T> = {}): SortRunStore<T> {
  const serialize = options.serialize ?? ((x: T) => JSON.stringify(x));
  const deserialize = options.deserialize ?? ((l: string) => JSON.parse(l) as T);
  const batchSize = options.batchSize ?? 4096;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new InvalidArgumentError(`fileRunStore: \`batchSize\` must be a positive integer, got ${String(options.batchSize)}`);
  }
  let dir: Promise<string> | undefined;
  let next = 0;
  const ensureDir = () => (dir ??= mkdtemp(join(options.dir ?? tmpdir(), 'streamweave-sort-')));
  return {
    async writeRun(items) {
      const d = await ensureDir();
      const id = next++;
      const lines: string[] = new Array<string>(items.length);
      for (let i = 0; i < items.length; i++) {
        const line = serialize(items[i]!);
        if (line.includes('\n')) throw new InvalidArgumentError('fileRunStore: `serialize` must not produce newlines');
        lines[i] = line;
      }
      await writeFile(join(d, `run-${id}.ndjson`), lines.length > 0 ? lines.join('\n') + '\n' : '');
      return id;
    },
    async *readRun(id) {
      const d = await ensureDir();
      const stream = createReadStream(join(d, `run-${id}.ndjson`), { encoding: 'utf8', highWaterMark: 1 << 20 });
      let rest = '';
      let batch: T[] = [];
      for await (const chunk of stream as AsyncIterable<string>) {
        const text = rest + chunk;
        let start = 0;
        for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
          batch.push(deserialize(text.slice(start, nl)));
          start = nl + 1;
          if (batch.length >= batchSize) {
            yield batch;
            batch = [];
          }
        }
        rest = text.slice(start);
      }
      if (rest.length > 0) batch.push(deserialize(rest));
      if (batch.length > 0) yield batch;
    },
    async dispose() {
      if (!dir) return;
      const d = await dir;
      dir = undefined;
      await rm(d, { recursive: true, force: true });
    },
  };
}
