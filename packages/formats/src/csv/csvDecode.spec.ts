import { InvalidArgumentError, onError } from '@streamweave/core';
import { CsvError, csvDecode } from '@streamweave/formats';
import fc from 'fast-check';
import { chunked, runCodec, runCodecError, splitAt, utf8 } from '@streamweave/testing';

describe('csvDecode', () => {
  const rfc = '\uFEFFid,name,note\r\n1,"Smith, J","said ""hi""\r\nand left"\r\n2,Åsa,😀\r\n\r\n3,,"" \r\n4,"x",last';
  const expected = [
    { id: '1', name: 'Smith, J', note: 'said "hi"\r\nand left' },
    { id: '2', name: 'Åsa', note: '😀' },
    { id: '3', name: '', note: ' ' },
    { id: '4', name: 'x', note: 'last' },
  ];

  it('decodes RFC 4180 (BOM, quotes, escaped quotes, embedded newlines, CRLF) across any chunking', async () => {
    for (const size of [1, 2, 3, 5, 11, 1000]) {
      const r = await runCodec(csvDecode(), chunked(utf8(rfc.replace(/"" \r\n/, '" "\r\n')), size));
      expect(r.items).toEqual(expected);
    }
  });

  it('reads without a header as arrays, or with given column names', async () => {
    const input = [utf8('a,b\n1,2\n')];
    expect((await runCodec(csvDecode({ header: false }), input)).items).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect((await runCodec(csvDecode({ header: ['x', 'y'] }), input)).items).toEqual([
      { x: 'a', y: 'b' },
      { x: '1', y: '2' },
    ]);
    expect((await runCodec(csvDecode({ header: false, columns: { '1': 'number' } }), [utf8('a,7')])).items).toEqual([['a', 7]]);
  });

  it('supports dialects: tab, semicolon, single quote, backslash escape', async () => {
    const tsv = await runCodec(csvDecode({ delimiter: '\t' }), [utf8('a\tb\n1,5\t"x\ty"\n')]);
    expect(tsv.items).toEqual([{ a: '1,5', b: 'x\ty' }]);
    const semi = await runCodec(csvDecode({ delimiter: ';', quote: "'" }), [utf8("a;b\n'1;2';'it''s'\n")]);
    expect(semi.items).toEqual([{ a: '1;2', b: "it's" }]);
    const bs = await runCodec(csvDecode({ escape: '\\' }), chunked(utf8('a,b\n"say \\"hi\\"","c:\\\\dir"\n'), 1));
    expect(bs.items).toEqual([{ a: 'say "hi"', b: 'c:\\dir' }]);
  });

  it('converts typed columns; empty typed fields are null', async () => {
    const input = [utf8('n,i,b,d,j,s,f\n1.5,-3,TRUE,2024-01-02T00:00:00Z,"{""k"":[1]}",007,x\n,,0,,null,,y\n')];
    const r = await runCodec(
      csvDecode({ columns: { n: 'number', i: 'integer', b: 'boolean', d: 'date', j: 'json', s: 'string', f: (raw) => raw.toUpperCase() } }),
      input,
    );
    expect(r.items).toEqual([
      { n: 1.5, i: -3, b: true, d: new Date('2024-01-02T00:00:00Z'), j: { k: [1] }, s: '007', f: 'X' },
      { n: null, i: null, b: false, d: null, j: null, s: '', f: 'Y' },
    ]);
  });

  it('reports values that do not fit their column, naming the column, line, byte offset and record', async () => {
    const r = await runCodec(
      csvDecode({ source: 'people.csv', columns: { age: 'integer', ok: 'boolean', when: 'date', n: 'number' } }),
      [utf8('age,ok,when,n\n1.5,true,2020-01-01,1\n2,yes,2020-01-01,1\n3,1,never,1\n4,0,2020-01-01,abc\n5,1,2020-01-01,NaN\n')],
      onError.deadLetter(),
    );
    expect(r.items).toEqual([{ age: 5, ok: true, when: new Date('2020-01-01'), n: NaN }]);
    expect(r.dead.map((d) => [(d.error as CsvError).line, (d.error as CsvError).byteOffset, (d.error as CsvError).recordIndex])).toEqual([
      [2, 14, 0],
      [3, 36, 1],
      [4, 55, 2],
      [5, 67, 3],
    ]);
    expect(r.dead[0]!.error.message).toBe('[csvDecode "csvDecode", item #0] csv (source "people.csv", line 2, byte 14, record #0): column "age": "1.5" is not an integer');
    expect(r.dead.map((d) => d.error.message.replace(/.*: /, ''))).toEqual(['"1.5" is not an integer', '"yes" is not a boolean', '"never" is not a date', '"abc" is not a number']);
  });

  it('stops on an unterminated quote with the line and record index of the record', async () => {
    const e = (await runCodecError(csvDecode({ source: 'x.csv' }), chunked(utf8('a,b\n1,2\n3,"open\nstill open\n'), 4))) as CsvError;
    expect(e).toBeInstanceOf(CsvError);
    expect([e.format, e.source, e.line, e.byteOffset, e.recordIndex]).toEqual(['csv', 'x.csv', 3, 8, 1]);
    expect(e.message).toContain('unterminated quoted field');
  });

  it('skips malformed rows, wrong field counts, and resynchronises at the next line', async () => {
    const input = chunked(utf8('a,b\n"x"y,1\n1,2\n1,2,3\n"q"\r5\n"multi\nline"z,1\n7,8\n9'), 3);
    const r = await runCodec(csvDecode(), input, onError.deadLetter());
    expect(r.items).toEqual([
      { a: '1', b: '2' },
      { a: '7', b: '8' },
    ]);
    expect(r.dead.map((d) => [d.error.message.replace(/.*\): /, ''), (d.error as CsvError).line, (d.error as CsvError).byteOffset])).toEqual([
      ['unexpected "y" after a closing quote', 2, 4],
      ['expected 2 fields, got 3', 4, 15],
      ['unexpected "\\r" after a closing quote', 5, 21],
      ['unexpected "z" after a closing quote', 6, 27],
      ['expected 2 fields, got 1', 9, 47],
    ]);
    expect(r.dead[1]!.item).toEqual(['1', '2', '3']);
    const relaxed = await runCodec(csvDecode({ relaxColumnCount: true }), [utf8('a,b\n1\n1,2,3\n')]);
    expect(relaxed.items).toEqual([
      { a: '1', b: undefined },
      { a: '1', b: '2' },
    ]);
  });

  it('names the byte offset of a bad record whatever the chunking, multi-byte text and BOM before it (property)', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'é', '😀', '€', ' ', ',', '"', '\n') });
    const quote = (f: string) => (/[",\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(fc.tuple(field, field), { maxLength: 8 }), fc.nat(), fc.constantFrom('"bad"x,1', 'a,b,c', '"open'), fc.array(fc.nat(), { maxLength: 6 }), async (bom, rows, at, bad, cuts) => {
        const lines = rows.map(([a, b]) => `${quote(a)},${quote(b)}`);
        // An unterminated quote runs to the end of the input, so it is the last record.
        const k = bad === '"open' ? lines.length : at % (lines.length + 1);
        const before = `${bom ? '\uFEFF' : ''}h1,h2\r\n${lines.slice(0, k).map((l) => l + '\r\n').join('')}`;
        const bytes = utf8(before + [bad, ...lines.slice(k)].join('\r\n'));
        const r = await runCodec(csvDecode({ source: 's.csv' }), splitAt(bytes, cuts), onError.deadLetter());
        const e = r.dead[0]!.error as CsvError;
        expect([r.dead.length, e.byteOffset, e.recordIndex, e.source]).toEqual([1, utf8(before).length, k, 's.csv']);
      }),
      { numRuns: 150 },
    );
  });

  it('names the byte offset of a record longer than maxRecordChars', async () => {
    const e = (await runCodecError(csvDecode({ maxRecordChars: 8 }), chunked(utf8('a\nééé\n"0123456789'), 5))) as CsvError;
    expect([e.message.replace(/^\[[^\]]*\] /, ''), e.byteOffset]).toEqual(['csv (line 3, byte 9, record #1): record longer than maxRecordChars (8); decoding stops here', 9]);
  });

  it('keeps empty lines when asked and handles a trailing delimiter', async () => {
    const r = await runCodec(csvDecode({ header: false, skipEmptyLines: false }), [utf8('a,\n\n""\n')]);
    expect(r.items).toEqual([['a', ''], [''], ['']]);
  });

  it('stops at invalid UTF-8 with one counted error', async () => {
    const r = await runCodec(csvDecode({ header: false }), [utf8('a\n'), Uint8Array.of(0x62, 0xff, 0x0a), utf8('c\n')], onError.skip());
    expect(r.items).toEqual([['a']]);
    expect(r.skipped).toBe(1);
    const truncated = (await runCodecError(csvDecode({ header: false }), [Uint8Array.of(0x61, 0xe2, 0x82)])) as CsvError;
    expect(truncated.message).toContain('invalid UTF-8');
  });

  it('bounds the buffered record and reports non-byte chunks', async () => {
    const e = (await runCodecError(csvDecode({ maxRecordChars: 10 }), chunked(utf8('a\n"' + 'x'.repeat(30)), 5))) as CsvError;
    expect(e.message).toContain('record longer than maxRecordChars (10)');
    const r = await runCodec(csvDecode({ header: false }), [42 as unknown as Uint8Array, utf8('z')], onError.skip());
    expect(r.items).toEqual([['z']]);
  });

  it('rejects bad options', () => {
    expect(() => csvDecode({ delimiter: ',,' })).toThrow(InvalidArgumentError);
    expect(() => csvDecode({ delimiter: '\n' })).toThrow('`delimiter` must be one character other than CR or LF');
    expect(() => csvDecode({ delimiter: '"' })).toThrow('`delimiter` must differ');
    expect(() => csvDecode({ header: 'yes' as never })).toThrow('`header` must be a boolean or an array');
    expect(() => csvDecode({ maxRecordChars: 0 })).toThrow('`maxRecordChars`');
  });
});
