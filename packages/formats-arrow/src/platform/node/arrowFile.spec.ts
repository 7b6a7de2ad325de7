import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointBarrier, collect, fromArray, pipeline } from '@streamweave/core';
import { ArrowFormatError } from '@streamweave/formats-arrow';
import { readArrowFile, writeArrowFile } from '@streamweave/formats-arrow/node';
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';

describe('Arrow files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'formats-arrow-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const rows = Array.from({ length: 10 }, (_, i) => ({ id: i, name: `n${i}` }));

  it('writes a file that apache-arrow reads, and reads it back as rows or batches', async () => {
    const file = join(dir, 'rows.arrow');
    const written = await pipeline().from(fromArray(rows)).to(writeArrowFile(file, { format: 'file', batchSize: 4 })).run();
    expect(written.result.records).toBe(10);
    const table = tableFromIPC(readFileSync(file));
    expect([table.numRows, table.batches.length, table.getChild('name')!.get(9)]).toEqual([10, 3, 'n9']);
    expect((await pipeline().from(readArrowFile(file, { chunkBytes: 100 })).to(collect()).run()).result).toEqual(rows);
    const batches = (await pipeline().from(readArrowFile(file, { output: 'batches' })).to(collect()).run()).result;
    expect(batches.map((b) => b.numRows)).toEqual([4, 4, 2]);
  });

  it('ends a batch at a checkpoint barrier and names the file in decode errors', async () => {
    const file = join(dir, 'barrier.arrows');
    await pipeline()
      .from(fromArray([rows[0]!, rows[1]!, checkpointBarrier(1, 0) as never, rows[2]!]))
      .to(writeArrowFile(file))
      .run();
    expect(tableFromIPC(readFileSync(file)).batches.map((b) => b.numRows)).toEqual([2, 1]);
    const bad = join(dir, 'bad.arrows');
    const ipc = tableToIPC(tableFromArrays({ id: Int32Array.from([1, 2]) }), 'stream');
    writeFileSync(bad, ipc.slice(0, ipc.length - 20));
    const e = (await pipeline().from(readArrowFile(bad)).to(collect()).run().catch((x: unknown) => x)) as ArrowFormatError;
    expect([e instanceof ArrowFormatError, e.source]).toEqual([true, bad]);
  });
});
