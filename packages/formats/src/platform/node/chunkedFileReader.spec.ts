import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, type DeadLetter, defineProducer, type NodeContext, type NodeOptions, onError, pipeline, StreamWeaveError } from '@streamweave/core';
import { type ChunkedFileReader, chunkedFileReader } from '@streamweave/formats/node';

/** A newline-framed parser: each line is a record; a line starting with `bad` is a parse failure. */
class LineParser {
  stopped = false;
  private pending = '';
  constructor(
    private readonly record: (line: string) => void,
    private readonly failure: (error: StreamWeaveError, item: unknown) => boolean,
  ) {}
  push(bytes: Uint8Array): void {
    const lines = (this.pending + new TextDecoder().decode(bytes)).split('\n');
    this.pending = lines.pop()!;
    for (const line of lines) if (!this.stopped) this.take(line);
  }
  end(): void {
    if (this.pending !== '' && !this.stopped && !this.failure(new StreamWeaveError(`truncated line ${this.pending}`), this.pending)) this.stopped = true;
  }
  private take(line: string): void {
    if (!line.startsWith('bad')) this.record(line);
    else if (!this.failure(new StreamWeaveError(`cannot parse ${line}`), line)) this.stopped = true;
  }
}

function readLines(path: string, chunkBytes: number, options: NodeOptions = {}) {
  return defineProducer<string>('readLines', { path }, options, (ctx) => {
    const parser = new LineParser(
      (line) => reader.queue.push(line),
      (error, item) => reader.fail(error, item),
    );
    const reader: ChunkedFileReader<string> = chunkedFileReader(path, chunkBytes, ctx, () => parser);
    return { pull: (emit, demand) => reader.pull(emit, demand), close: () => reader.close() };
  });
}

describe('chunkedFileReader', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'formats-chunked-reader-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('feeds the file chunk by chunk to the parser and emits every record in order', async () => {
    const path = file('ok.txt', 'alpha\nbeta\ngamma\ndelta\n');
    for (const chunkBytes of [1, 3, 7, 64 * 1024]) {
      const { result } = await pipeline().from(readLines(path, chunkBytes)).to(collect<string>()).run();
      expect(result).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    }
    expect((await pipeline().from(readLines(file('empty.txt', ''), 4)).to(collect<string>()).run()).result).toEqual([]);
  });

  it('routes parse failures through the error strategy: skip and dead letter go on', async () => {
    const path = file('bad.txt', 'a\nbad1\nb\nbad2\nc\ntail');
    const skipped = await pipeline().from(readLines(path, 4, { errors: onError.skip() })).to(collect<string>()).run();
    expect(skipped.result).toEqual(['a', 'b', 'c']);
    expect(skipped.stats.readLines).toMatchObject({ out: 3, skipped: 3 });
    const dead = collect<DeadLetter>();
    const lettered = await pipeline()
      .from(readLines(path, 4))
      .to(collect<string>())
      .run({ errors: onError.deadLetter(), deadLetter: dead });
    expect(lettered.result).toEqual(['a', 'b', 'c']);
    expect((lettered.deadLetter as DeadLetter[]).map((d) => [d.item, d.error.message])).toEqual([
      ['bad1', expect.stringContaining('cannot parse bad1')],
      ['bad2', expect.stringContaining('cannot parse bad2')],
      ['tail', expect.stringContaining('truncated line tail')],
    ]);
  });

  it('stops at the first failure under stop, and after 16 attempts under a retry strategy (parsing again fails the same way)', async () => {
    const path = file('stop.txt', 'a\nb\nbad\nc\n');
    await expect(pipeline().from(readLines(path, 2)).to(collect<string>()).run()).rejects.toThrow('cannot parse bad');
    await expect(pipeline().from(readLines(path, 2, { errors: onError.retry({ maxAttempts: 20, initialDelayMs: 0 }) })).to(collect<string>()).run()).rejects.toThrow(
      'cannot parse bad',
    );
  });

  it('reads until a condition, seeks to a byte offset (dropping the queue), and reopens after close', async () => {
    const path = file('seek.txt', 'one\ntwo\nthree\n');
    const ctx = { fail: () => ({ action: 'skip' }), stats: { out: 0 } } as unknown as NodeContext;
    let parser: LineParser;
    const fresh = () => (parser = new LineParser((l) => reader.queue.push(l), (e, i) => reader.fail(e, i)));
    fresh();
    const reader: ChunkedFileReader<string> = chunkedFileReader(path, 5, ctx, () => parser);
    await reader.readUntil(() => reader.queue.length >= 2);
    expect(reader.queue).toEqual(['one', 'two']);
    expect(reader.eof).toBe(false);
    reader.seek(4); // the start of "two"
    expect(reader.queue).toEqual([]);
    fresh();
    await reader.close();
    const got: string[] = [];
    while (await reader.pull((l) => got.push(l), 1));
    expect(got).toEqual(['two', 'three']);
    expect(reader.eof).toBe(true);
    expect(await reader.pull((l) => got.push(l), 1)).toBe(false);
    await reader.close();
  });
});
