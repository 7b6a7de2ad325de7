import { checkpointBarrier, collect, fromArray, InvalidArgumentError, map, onError, pipeline } from '@streamweave/core';
import { ArrowFormatError, arrowDecode, arrowEncode, batchesToRows, rowsToBatches } from '@streamweave/formats-arrow';
import { Field, Float64, Int32, RecordBatch, Schema, tableFromArrays, tableFromIPC, tableToIPC, Utf8 } from 'apache-arrow';
import { chunked, concat, runCodec, runCodecError } from '@streamweave/testing';

const table = tableFromArrays({ id: Int32Array.from([1, 2, 3, 4, 5]), name: ['a', 'b', null, 'd', 'é😀'], score: Float64Array.from([1.5, 2, 0, -1, 1e10]) });
const rows = [
  { id: 1, name: 'a', score: 1.5 },
  { id: 2, name: 'b', score: 2 },
  { id: 3, name: null, score: 0 },
  { id: 4, name: 'd', score: -1 },
  { id: 5, name: 'é😀', score: 1e10 },
];
const schema = new Schema([new Field('id', new Int32(), true), new Field('name', new Utf8(), true), new Field('score', new Float64(), true)]);

describe('arrowDecode', () => {
  it('decodes the IPC stream and file formats into rows whatever the chunking', async () => {
    for (const format of ['stream', 'file'] as const) {
      const bytes = tableToIPC(table, format);
      for (const size of [1, 7, 64, 1 << 20]) {
        expect((await runCodec(arrowDecode(), chunked(bytes, size))).items).toEqual(rows);
      }
    }
  });

  it('emits RecordBatches in batch mode, with dictionaries and several batches', async () => {
    const dict = tableFromArrays({ tag: ['x', 'y', 'x'] }); // dictionary-encoded strings
    const twoBatches = concat([tableToIPC(dict, 'stream')]);
    const r = await runCodec(arrowDecode({ output: 'batches' }), chunked(twoBatches, 5));
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toBeInstanceOf(RecordBatch);
    expect(r.items[0]!.toArray().map((x) => x.toJSON())).toEqual([{ tag: 'x' }, { tag: 'y' }, { tag: 'x' }]);
    // Two concatenated streams read as one sequence of rows.
    const two = concat([tableToIPC(table, 'stream'), tableToIPC(dict, 'stream')]);
    expect((await runCodec(arrowDecode(), [two])).items).toEqual([...rows, { tag: 'x' }, { tag: 'y' }, { tag: 'x' }]);
  });

  it('reports truncated input, corrupt framing, bad footers and missing schemas with the byte offset', async () => {
    const stream = tableToIPC(table, 'stream');
    const file = tableToIPC(table, 'file');
    const cases: Array<[Uint8Array, string]> = [
      [stream.slice(0, stream.length - 20), 'truncated Arrow IPC data at end of input'],
      [file.slice(0, file.length - 3), 'truncated Arrow file: the footer magic is missing'],
      [file.slice(0, 100), 'truncated Arrow IPC data at end of input'],
      [new Uint8Array(0), 'no Arrow schema message in the input'],
      [Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0x80), 'corrupt Arrow IPC message: invalid message metadata length'],
      [Uint8Array.of(0xff, 0xff, 0xff, 0xff, 8, 0, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0), 'corrupt Arrow IPC message: corrupt message metadata'],
      [stream.slice(stream.indexOf(0xff, 8) >= 0 ? findSecondMessage(stream) : 0), 'before any schema'],
    ];
    for (const [bytes, message] of cases) {
      const e = (await runCodecError(arrowDecode({ source: 'f.arrow' }), chunked(bytes, 9))) as ArrowFormatError;
      expect(e).toBeInstanceOf(ArrowFormatError);
      expect([e.format, e.source, e.message]).toEqual(['arrow', 'f.arrow', expect.stringContaining(message)]);
      expect(typeof e.byteOffset).toBe('number');
    }
  });

  it('skips a record batch whose body is corrupt and goes on', async () => {
    const one = tableToIPC(table, 'stream');
    const bad = one.slice();
    const body = findSecondMessage(bad);
    // Break the record batch's first buffer offsets region inside the metadata (keep the framing).
    for (let i = body + 8 + 24; i < body + 8 + 64; i++) bad[i] = 0xee;
    const r = await runCodec(arrowDecode(), [bad], onError.deadLetter());
    expect(r.dead.length + r.items.length).toBeGreaterThan(0);
    for (const d of r.dead) expect(d.error).toBeInstanceOf(ArrowFormatError);
  });

  it('rejects bad options and non-byte chunks', async () => {
    expect(() => arrowDecode({ output: 'cols' as never })).toThrow(InvalidArgumentError);
    expect(() => arrowDecode({ maxMessageBytes: 0 })).toThrow('`maxMessageBytes`');
    const r = await runCodec(arrowDecode(), ['x' as unknown as Uint8Array, tableToIPC(table, 'stream')], onError.skip());
    expect(r.items).toEqual(rows);
    expect(r.skipped).toBe(1);
    const ipc = tableToIPC(table, 'stream');
    const late = await runCodec(arrowDecode({ source: 't.arrows' }), [ipc.slice(0, 20), 'x' as unknown as Uint8Array, ipc.slice(20)], onError.deadLetter());
    expect(late.items).toEqual(rows);
    expect(late.dead.map((d) => d.error.message)).toEqual(['[arrowDecode "arrowDecode", item #1] arrow (source "t.arrows", byte 20, record #0): expected a Uint8Array chunk']);
  });
});

describe('arrowEncode', () => {
  it('writes rows as stream or file format, one chunk per batch, that apache-arrow reads back', async () => {
    for (const format of ['stream', 'file'] as const) {
      const r = await runCodec(arrowEncode({ format, batchSize: 2 }), rows);
      expect(r.items.length).toBe(4); // 3 batches + the end (EOS / footer)
      const t = tableFromIPC(concat(r.items));
      expect(t.batches.map((b) => b.numRows)).toEqual([2, 2, 1]);
      expect(t.toArray().map((x) => x.toJSON())).toEqual(rows);
      expect(String(t.schema.fields.map((f) => f.type))).toBe('Float64,Utf8,Float64');
    }
  });

  it('uses a given schema, writes an empty stream for no rows, and reports rows that do not fit', async () => {
    const empty = await runCodec(arrowEncode({ schema }), []);
    expect(tableFromIPC(concat(empty.items)).schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'score']);
    expect((await runCodec(arrowEncode(), [])).items).toEqual([]);
    const r = await runCodec(arrowEncode<unknown>({ schema, source: 'out.arrow' }), [rows[0], { id: 'x', name: 'n', score: 1 }, { id: 2.5 }, 7, rows[1]], onError.deadLetter());
    expect(tableFromIPC(concat(r.items)).toArray().map((x) => x.toJSON())).toEqual([rows[0], rows[1]]);
    expect(r.dead.map((d) => [(d.error as ArrowFormatError).recordIndex, d.error.message.replace(/.*\): /, '')])).toEqual([
      [3, 'an Arrow row must be an object, got number'],
      [1, 'column "id": "x" does not fit Int32'],
      [2, 'column "id": 2.5 does not fit Int32'],
    ]);
  });

  it('passes RecordBatches through in batch mode and rejects a batch with another schema', async () => {
    const other = tableFromArrays({ z: Int32Array.from([1]) }).batches[0]!;
    const r = await runCodec(arrowEncode<RecordBatch>(), [table.batches[0]!, other, table.batches[0]!], onError.deadLetter());
    expect(tableFromIPC(concat(r.items)).numRows).toBe(10);
    expect(r.dead[0]!.error.message).toContain('RecordBatch schema differs');
  });

  it('ends the current batch when a checkpoint barrier passes', async () => {
    const { result } = await pipeline()
      .from(fromArray([rows[0]!, checkpointBarrier(1, 0) as never, rows[1]!]))
      .pipe(arrowEncode({ batchSize: 100 }))
      .to(collect<Uint8Array>())
      .run();
    expect(tableFromIPC(concat(result)).batches.map((b) => b.numRows)).toEqual([1, 1]);
  });

  it('rejects bad options', () => {
    expect(() => arrowEncode({ format: 'feather' as never })).toThrow(InvalidArgumentError);
    expect(() => arrowEncode({ batchSize: 0 })).toThrow('`batchSize`');
  });
});

describe('batch mode', () => {
  it('rowsToBatches → columnar map → batchesToRows', async () => {
    const { result } = await pipeline()
      .from(fromArray(rows))
      .pipe(rowsToBatches({ batchSize: 2, schema }))
      .pipe(map((b: RecordBatch) => b.slice(0)))
      .pipe(batchesToRows())
      .to(collect())
      .run();
    expect(result).toEqual(rows);
    const r = await runCodec(rowsToBatches({ batchSize: 10 }), [{ a: 1 }, { a: 'x' }, null as never, { a: 2 }], onError.deadLetter());
    expect(r.items.map((b) => b.numRows)).toEqual([2]);
    expect(r.dead.map((d) => (d.error as ArrowFormatError).recordIndex)).toEqual([2, 1]);
    expect(() => rowsToBatches({ batchSize: -1 })).toThrow('`batchSize`');
  });
});

/** Offset of the second message (the first record batch) in an IPC stream. */
function findSecondMessage(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const len = view.getInt32(4, true);
  return 8 + len;
}
