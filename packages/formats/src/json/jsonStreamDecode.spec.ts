import { forEach, fromIterable, InvalidArgumentError, onError, pipeline } from '@streamweave/core';
import { JsonFormatError, jsonStreamDecode } from '@streamweave/formats';
import fc from 'fast-check';
import { z } from 'zod';
import { chunked, mutate, runCodec, runCodecError, splitAt, utf8 } from '@streamweave/testing';

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

const doc = JSON.stringify({
  meta: { count: 3, tags: ['a', { '[': ']' }], s: 'quote \\" and \\\\ and "{"', n: -1.5e3, t: true, f: false, z: null },
  data: { items: [{ id: 1, s: 'é😀"}]' }, { id: 2, nested: [[1], { k: [] }] }, { id: 3 }], after: 'x' },
  'odd key': [1, 2],
});

describe('jsonStreamDecode', () => {
  it('streams the elements of a path whatever the chunk boundaries', async () => {
    const bytes = utf8(doc);
    for (const size of [1, 2, 3, 7, 13, 1000]) {
      const r = await runCodec(jsonStreamDecode({ path: '$.data.items[*]' }), chunked(bytes, size));
      expect(r.items).toEqual([{ id: 1, s: 'é😀"}]' }, { id: 2, nested: [[1], { k: [] }] }, { id: 3 }]);
    }
  });

  it('supports $[*], $.*, $, quoted keys, nested wildcards and scalars', async () => {
    const run = async (path: string, json: string) => (await runCodec(jsonStreamDecode({ path }), chunked(utf8(json), 3))).items;
    expect(await run('$[*]', '\uFEFF [1, "two", {"a": [3]}, null, true, -2.5e-1] ')).toEqual([1, 'two', { a: [3] }, null, true, -0.25]);
    expect(await run('$[*]', '[]')).toEqual([]);
    expect(await run('$.*', '{"a":1,"b":{"c":2}}')).toEqual([1, { c: 2 }]);
    expect(await run('$', '{"a":1}')).toEqual([{ a: 1 }]);
    expect(await run('$', ' 42 ')).toEqual([42]);
    expect(await run('$', '"s"')).toEqual(['s']);
    expect(await run('$["odd key"][*]', doc)).toEqual([1, 2]);
    expect(await run('$.pages[*].rows[*]', '{"pages":[{"rows":[1,2]},{"x":0},{"rows":[3]},{"rows":{}}]}')).toEqual([1, 2, 3]);
    expect(await run('$.meta.tags[*]', doc)).toEqual(['a', { '[': ']' }]);
    expect(await run('$.missing[*]', doc)).toEqual([]);
    expect(await run('$[*]', '{"not":"an array"}')).toEqual([]);
    expect(await run('$.a', '{"a":{},"a2":[]}')).toEqual([{}]);
  });

  it('reports a malformed selected value and goes on with the next one', async () => {
    const r = await runCodec(jsonStreamDecode({ source: 'big.json' }), [utf8('[1, tru, {"a": 01}, 2]')], onError.deadLetter());
    expect(r.items).toEqual([1, 2]);
    expect(r.dead.map((d) => [(d.error as JsonFormatError).byteOffset, (d.error as JsonFormatError).recordIndex])).toEqual([
      [4, 1],
      [9, 2],
    ]);
    expect(r.dead[0]!.error.message).toContain('json (source "big.json", byte 4, record #1): malformed JSON value');
  });

  it('stops on a broken structure, a truncated document, trailing garbage or empty input', async () => {
    const cases: Array<[string, string, number]> = [
      ['[1, 2', 'unexpected end of input: the JSON document is truncated', 5],
      ['[1 2]', 'expected , or ] but found "2"', 3],
      ['{"data": {"items": [1]] }', 'expected , or } but found "]"', 22],
      ['[1] x', 'unexpected "x" after the end of the JSON document', 4],
      ['   ', 'empty input: no JSON document', 3],
      ['[{"a": [1}]', 'unexpected "}"', 9],
      ['{1: 2}', 'expected an object key but found "1"', 1],
      ['{"a" 1}', 'expected : but found "1"', 5],
      ['[1,]', 'expected a JSON value but found "]"', 3],
    ];
    for (const [json, message, offset] of cases) {
      const e = (await runCodecError(jsonStreamDecode({ path: json.startsWith('{') ? '$.data.items[*]' : '$[*]' }), [utf8(json)])) as JsonFormatError;
      expect(e).toBeInstanceOf(JsonFormatError);
      expect([e.message.includes(message), e.byteOffset]).toEqual([true, offset]);
    }
  });

  it('reports invalid UTF-8 in a selected value', async () => {
    const bytes = Uint8Array.from([...utf8('["ok", "'), 0xff, ...utf8('", 3]')]);
    const r = await runCodec(jsonStreamDecode(), [bytes], onError.deadLetter());
    expect(r.items).toEqual(['ok', 3]);
    expect(r.dead[0]!.error.message).toContain('invalid UTF-8');
  });

  it('validates with a schema and bounds one value by maxRecordBytes', async () => {
    const schema = z.object({ id: z.number() });
    const r = await runCodec(jsonStreamDecode({ schema, maxRecordBytes: 20 }), chunked(utf8('[{"id":1},{"id":"x"},{"id":2,"pad":"' + 'p'.repeat(40) + '"},{"id":3}]'), 4), onError.deadLetter());
    expect(r.items).toEqual([{ id: 1 }, { id: 3 }]);
    expect(r.dead.map((d) => d.error.message.replace(/.*: /, ''))).toEqual(['expected number, received string', 'value longer than maxRecordBytes (20)']);
  });

  describe('speculative parsing of whole chunks', () => {
    // Chunks of 256 bytes and more go through the fast path; 7-byte chunks never do.
    const outcome = async (chunks: Uint8Array[], options: Parameters<typeof jsonStreamDecode>[0] = {}) => {
      const r = await runCodec(jsonStreamDecode({ path: '$.data.items[*]', ...options }), chunks, onError.deadLetter());
      return { items: r.items, dead: r.dead.map((d) => [d.error.message.replace(/^\[[^\]]*\] /, ''), (d.error as JsonFormatError).byteOffset, (d.error as JsonFormatError).recordIndex]) };
    };
    const wrap = (items: string) => utf8(`{"data":{"items":[${items}]}}`);

    it('decodes elements of every kind exactly, including look-alike nested objects', async () => {
      const items = [
        ...Array.from({ length: 60 }, (_, i) => ({ id: i, child: { id: -i - 1, s: '},{"id":' }, list: [{ id: 1 }, [2, ','], '"'] })),
        ...Array.from({ length: 40 }, (_, i) => [i, `a,"b\\",${i}`, [{}]]),
        ...Array.from({ length: 40 }, (_, i) => `s${i}",\\",`),
        ...Array.from({ length: 40 }, (_, i) => i * 1.5),
        null,
        true,
      ];
      const bytes = wrap(items.map((v) => JSON.stringify(v)).join(', \n'));
      for (const size of [256, 300, 1000, 4096, bytes.length]) {
        expect((await outcome(chunked(bytes, size))).items).toEqual(items);
      }
    });

    it('reports malformed values, invalid UTF-8, schema failures and long values as the exact tokenizer does', async () => {
      const good = (i: number) => `{"id":${i},"pad":"${'x'.repeat(30)}"}`;
      const parts = Array.from({ length: 40 }, (_, i) => utf8(good(i)));
      parts[5] = utf8('{"id":tru}');
      parts[12] = Uint8Array.from([...utf8('{"id":12,"s":"'), 0xc3, 0x28, ...utf8('"}')]);
      parts[20] = utf8('{"id":"twenty"}');
      parts[30] = utf8(`{"id":30,"pad":"${'y'.repeat(200)}"}`);
      const body = parts.flatMap((p, i) => (i === 0 ? [...p] : [0x2c, ...p]));
      const bytes = Uint8Array.from([...utf8('{"data":{"items":['), ...body, ...utf8(']}}')]);
      const options = { schema: z.object({ id: z.number() }), maxRecordBytes: 150, source: 'doc.json' };
      const exact = await outcome(chunked(bytes, 7), options);
      expect(exact.items).toHaveLength(36);
      const at = (record: number) => 18 + parts.slice(0, record).reduce((n, p) => n + p.length + 1, 0);
      expect(exact.dead).toEqual([
        [`json (source "doc.json", byte ${at(5)}, record #5): malformed JSON value: Unexpected token '}', "{"id":tru}" is not valid JSON`, at(5), 5],
        [`json (source "doc.json", byte ${at(12)}, record #12): invalid UTF-8: {"code":"ERR_ENCODING_INVALID_ENCODED_DATA"}`, at(12), 12],
        [`json (source "doc.json", byte ${at(20)}, record #20): schema validation failed: id: Invalid input: expected number, received string`, at(20), 20],
        [`json (source "doc.json", byte ${at(30)}, record #30): value longer than maxRecordBytes (150)`, at(30), 30],
      ]);
      for (const size of [256, 700, bytes.length]) expect(await outcome(chunked(bytes, size), options)).toEqual(exact);
    });

    it('gives the same outcome with large chunks as with small ones (property)', async () => {
      const record = fc.record({ id: fc.integer(), v: fc.jsonValue({ maxDepth: 3 }), pad: fc.string({ unit: fc.constantFrom('a', ',', '"', '{', '}', '\\', 'é') }) });
      await fc.assert(
        fc.asyncProperty(fc.array(record, { minLength: 5, maxLength: 30 }), fc.option(mutation), fc.array(fc.nat(), { maxLength: 4 }), async (records, m, cuts) => {
          const valid = wrap(records.map((r) => JSON.stringify(r)).join(','));
          const bytes = m === null ? valid : mutate(valid, m);
          const exact = await outcome(chunked(bytes, 7), { schema: z.object({ id: z.number().int().min(0) }) });
          expect(await outcome(splitAt(bytes, cuts), { schema: z.object({ id: z.number().int().min(0) }) })).toEqual(exact);
        }),
        { numRuns: 100 },
      );
    });
  });

  it('rejects bad options', () => {
    expect(() => jsonStreamDecode({ path: 'data' })).toThrow(InvalidArgumentError);
    expect(() => jsonStreamDecode({ path: '$.' })).toThrow('expected a key name at 2');
    expect(() => jsonStreamDecode({ path: '$["a' })).toThrow('unterminated');
    expect(() => jsonStreamDecode({ path: '$[0]' })).toThrow('unexpected "[" at 1');
    expect(() => jsonStreamDecode({ schema: 1 as never })).toThrow(InvalidArgumentError);
    expect(() => jsonStreamDecode({ maxRecordBytes: -1 })).toThrow('`maxRecordBytes` must be a positive integer');
  });

  it('keeps memory bounded on a large generated document', async () => {
    // ~64 MiB: {"header":{…},"data":{"items":[{…},{…},…]}} generated chunk by chunk.
    const items = 400_000;
    function* generate(): Generator<Uint8Array> {
      const enc = new TextEncoder();
      yield enc.encode('{"header":{"v":1},"data":{"items":[');
      const batch: string[] = [];
      for (let i = 0; i < items; i++) {
        batch.push(`${i === 0 ? '' : ','}{"id":${i},"name":"item-${i}","payload":"${'x'.repeat(120)}"}`);
        if (batch.length === 1000) {
          yield enc.encode(batch.join(''));
          batch.length = 0;
        }
      }
      yield enc.encode(batch.join('') + ']}}');
    }
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let idSum = 0;
    await pipeline()
      .from(fromIterable(generate()))
      .pipe(jsonStreamDecode<{ id: number }>({ path: '$.data.items[*]' }))
      .to(
        forEach((r: { id: number }) => {
          count++;
          idSum += r.id;
          if (count % 20_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
        }),
      )
      .run();
    expect(count).toBe(items);
    expect(idSum).toBe((items * (items - 1)) / 2);
    expect(peak).toBeLessThan(48 * 1024 * 1024);
  }, 30_000);
});
