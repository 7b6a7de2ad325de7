import { forEach, fromIterable, InvalidArgumentError, onError, pipeline } from '@streamweave/core';
import { JsonFormatError, jsonStreamDecode } from '@streamweave/formats';
import { z } from 'zod';
import { chunked, runCodec, runCodecError, utf8 } from '../test-support/run.js';

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
