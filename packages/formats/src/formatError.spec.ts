import { onError, StreamWeaveError, type Transformer } from '@streamweave/core';
import { csvDecode, FormatError, jsonStreamDecode, msgpackDecode, ndjsonDecode } from '@streamweave/formats';
import { runCodec, utf8 } from '@streamweave/testing';

describe('FormatError', () => {
  it('names format, source, line, byte offset and record index in its fields and message', () => {
    const cause = new Error('unexpected end');
    const e = new FormatError('truncated input', {
      format: 'csv',
      source: 'in.csv',
      line: 3,
      byteOffset: 42,
      recordIndex: 2,
      cause,
      component: { id: 'decode', type: 'csvDecode' },
      position: 0,
    });
    expect(e).toBeInstanceOf(StreamWeaveError);
    expect(e.name).toBe('FormatError');
    expect([e.format, e.source, e.line, e.byteOffset, e.recordIndex]).toEqual(['csv', 'in.csv', 3, 42, 2]);
    expect(e.cause).toBe(cause);
    expect(e.message).toBe(
      '[csvDecode "decode", item #0] csv (source "in.csv", line 3, byte 42, record #2): truncated input: unexpected end',
    );
  });

  it('omits the location when nothing is known', () => {
    const e = new FormatError('bad', { format: 'json' });
    expect(e.message).toBe('json: bad');
    expect([e.source, e.line, e.byteOffset, e.recordIndex]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('decoder errors name format, source, position and record', () => {
  it('for a chunk that is not bytes, after one good record, and go on', async () => {
    const cases: Array<[Transformer<Uint8Array, unknown>, Uint8Array, string, Uint8Array]> = [
      [ndjsonDecode({ source: 'a.ndjson' }), utf8('{"a":1}\n'), 'ndjson (source "a.ndjson", line 2, byte 8, record #1)', utf8('2\n')],
      [jsonStreamDecode({ source: 'a.json' }), utf8('[{"a":1},'), 'json (source "a.json", byte 9, record #1)', utf8('2]')],
      [csvDecode({ source: 'a.csv' }), utf8('a\n1\n'), 'csv (source "a.csv", line 3, byte 4, record #1)', utf8('2\n')],
      [msgpackDecode({ source: 'a.msgpack' }), Uint8Array.of(0x01), 'msgpack (source "a.msgpack", byte 1, record #1)', Uint8Array.of(0x02)],
    ];
    for (const [decoder, good, where, rest] of cases) {
      const r = await runCodec(decoder, [good, 'x' as unknown as Uint8Array, rest], onError.deadLetter());
      expect(r.items).toHaveLength(2);
      expect(r.dead.map((d) => d.error.message.replace(/^\[[^\]]*\] /, ''))).toEqual([`${where}: expected a Uint8Array chunk, got string`]);
    }
  });
});
