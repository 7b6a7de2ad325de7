import { InvalidArgumentError, onError, type Transformer } from '@streamweave/core';
import { type CsvError, csvDecode, csvEncode } from '@streamweave/formats';
import { runCodec, text } from '@streamweave/testing';

describe('csvEncode', () => {
  it('writes a header and quotes exactly the fields that need it; csvDecode reads it back', async () => {
    const records = [
      { id: 1, name: 'Smith, J', note: 'said "hi"\nbye' },
      { id: 2, name: ' pad ', note: null },
      { id: 3, name: 'plain', note: new Date('2024-01-02T03:04:05Z') },
    ];
    const r = await runCodec(csvEncode(), records);
    expect(r.items).toHaveLength(3);
    expect(text(r.items)).toBe('id,name,note\r\n1,"Smith, J","said ""hi""\nbye"\r\n2," pad ",\r\n3,plain,2024-01-02T03:04:05.000Z\r\n');
    expect((await runCodec(csvDecode(), r.items)).items).toEqual([
      { id: '1', name: 'Smith, J', note: 'said "hi"\nbye' },
      { id: '2', name: ' pad ', note: '' },
      { id: '3', name: 'plain', note: '2024-01-02T03:04:05.000Z' },
    ]);
  });

  it('follows columns, dialect, line terminator and quoteAll', async () => {
    const r = await runCodec(csvEncode({ columns: ['b', 'a'], delimiter: ';', lineTerminator: '\n' }), [{ a: 'x;y', b: { k: 1 }, c: 'dropped' }]);
    expect(text(r.items)).toBe('b;a\n"{""k"":1}";"x;y"\n');
    const bs = await runCodec(csvEncode({ escape: '\\', header: false }), [['a"b', 'c\\d', 'plain']]);
    expect(text(bs.items)).toBe('"a\\"b","c\\\\d",plain\r\n');
    expect((await runCodec(csvDecode({ escape: '\\', header: false }), bs.items)).items).toEqual([['a"b', 'c\\d', 'plain']]);
    const all = await runCodec(csvEncode({ quoteAll: true }), [{ a: 1 }]);
    expect(text(all.items)).toBe('"a"\r\n"1"\r\n');
  });

  it('writes arrays, a header-only file for no records, and nothing without columns', async () => {
    expect(text((await runCodec(csvEncode({ columns: ['x'] }), [[1], [2]])).items)).toBe('x\r\n1\r\n2\r\n');
    expect(text((await runCodec(csvEncode({ columns: ['x', 'y'] }), [])).items)).toBe('x,y\r\n');
    expect((await runCodec(csvEncode(), [])).items).toEqual([]);
  });

  it('reports records that are not objects or arrays', async () => {
    const r = await runCodec(csvEncode() as unknown as Transformer<unknown, Uint8Array>, [{ a: 1 }, 5, null, { a: 2 }], onError.deadLetter());
    expect(text(r.items)).toBe('a\r\n1\r\n2\r\n');
    expect(r.dead.map((d) => [(d.error as CsvError).recordIndex, d.error.message.replace(/.*: /, '')])).toEqual([
      [1, 'a CSV record must be an object or an array, got number'],
      [2, 'a CSV record must be an object or an array, got null'],
    ]);
  });

  it('rejects bad options', () => {
    expect(() => csvEncode({ lineTerminator: '\r' as never })).toThrow(InvalidArgumentError);
    expect(() => csvEncode({ columns: 'a' as never })).toThrow('`columns` must be an array of strings');
  });
});
