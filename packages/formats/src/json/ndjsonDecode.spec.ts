import { InvalidArgumentError, onError } from '@streamweave/core';
import { JsonFormatError, ndjsonDecode } from '@streamweave/formats';
import { z } from 'zod';
import { chunked, runCodec, runCodecError, utf8 } from '@streamweave/testing';

describe('ndjsonDecode', () => {
  it('decodes one record per line whatever the chunk boundaries', async () => {
    const bytes = utf8('\uFEFF{"a":1,"s":"é€😀"}\r\n\n{"a":2}\n[3]\n"x"');
    const expected = [{ a: 1, s: 'é€😀' }, { a: 2 }, [3], 'x'];
    for (const size of [1, 2, 3, 5, 7, 64]) {
      expect((await runCodec(ndjsonDecode(), chunked(bytes, size))).items).toEqual(expected);
    }
  });

  it('accepts ArrayBuffer chunks and an empty input', async () => {
    expect((await runCodec(ndjsonDecode(), [utf8('{"a":1}\n').buffer as unknown as Uint8Array])).items).toEqual([{ a: 1 }]);
    expect((await runCodec(ndjsonDecode(), [])).items).toEqual([]);
    expect((await runCodec(ndjsonDecode(), [utf8('\uFEFF')])).items).toEqual([]);
  });

  it('stops on a malformed line with an error naming source, line, byte offset and record index', async () => {
    const e = (await runCodecError(ndjsonDecode({ source: 'events.ndjson' }), [utf8('{"a":1}\n\n{"a":\n{"a":3}\n')])) as JsonFormatError;
    expect(e).toBeInstanceOf(JsonFormatError);
    expect([e.format, e.source, e.line, e.byteOffset, e.recordIndex]).toEqual(['ndjson', 'events.ndjson', 3, 9, 1]);
    expect(e.component).toEqual({ id: 'ndjsonDecode', type: 'ndjsonDecode' });
    expect(e.message).toContain('ndjson (source "events.ndjson", line 3, byte 9, record #1): malformed JSON');
  });

  it('skips or dead-letters bad lines and goes on, counting each', async () => {
    const input = chunked(utf8('{"a":1}\nnope\n{"a":3}\n{bad\n'), 4);
    const skipped = await runCodec(ndjsonDecode(), input, onError.skip());
    expect(skipped.items).toEqual([{ a: 1 }, { a: 3 }]);
    expect(skipped.skipped).toBe(2);
    const dl = await runCodec(ndjsonDecode(), input, onError.deadLetter());
    expect(dl.dead.map((d) => d.item)).toEqual(['nope', '{bad']);
    expect(dl.dead.map((d) => (d.error as JsonFormatError).line)).toEqual([2, 4]);
    expect(dl.dead.map((d) => (d.error as JsonFormatError).byteOffset)).toEqual([8, 21]);
  });

  it('reports invalid UTF-8 per line and keeps the valid lines', async () => {
    const bytes = Uint8Array.from([...utf8('{"a":1}\n"'), 0xff, 0xfe, ...utf8('"\n{"a":2}\n')]);
    const r = await runCodec(ndjsonDecode({ source: 's' }), [bytes], onError.deadLetter());
    expect(r.items).toEqual([{ a: 1 }, { a: 2 }]);
    const err = r.dead[0]!.error as JsonFormatError;
    expect([err.line, err.byteOffset, err.recordIndex]).toEqual([2, 8, 1]);
    expect(err.message).toContain('invalid UTF-8');
  });

  it('stops on invalid UTF-8 under the default strategy', async () => {
    const e = (await runCodecError(ndjsonDecode(), [Uint8Array.from([0xc3, 0x0a, 0x31, 0x0a])])) as JsonFormatError;
    expect([e.line, e.byteOffset, e.recordIndex]).toEqual([1, 0, 0]);
  });

  it('validates records with a zod schema and routes violations', async () => {
    const schema = z.object({ id: z.number(), name: z.string().default('anon') });
    const r = await runCodec(ndjsonDecode({ schema }), [utf8('{"id":1}\n{"id":"x"}\n{"id":3,"name":"c"}\n')], onError.deadLetter());
    expect(r.items).toEqual([
      { id: 1, name: 'anon' },
      { id: 3, name: 'c' },
    ]);
    expect(r.dead).toHaveLength(1);
    expect(r.dead[0]!.item).toEqual({ id: 'x' });
    expect((r.dead[0]!.error as JsonFormatError).line).toBe(2);
    expect(r.dead[0]!.error.message).toContain('schema validation failed: id: Invalid input: expected number, received string');
  });

  it('rejects asynchronous schemas per record', async () => {
    const schema = z.object({ id: z.number() }).refine(async () => true);
    const e = (await runCodecError(ndjsonDecode({ schema }), [utf8('{"id":1}\n')])) as JsonFormatError;
    expect(e.message).toContain('schema validation must be synchronous');
  });

  it('bounds memory: a line longer than maxLineBytes is reported and skipped', async () => {
    const input = chunked(utf8('{"a":1}\n"' + 'x'.repeat(100) + '"\n{"a":2}\n"' + 'y'.repeat(50)), 8);
    const r = await runCodec(ndjsonDecode({ maxLineBytes: 40 }), input, onError.skip());
    expect(r.items).toEqual([{ a: 1 }, { a: 2 }]);
    expect(r.skipped).toBe(2);
    const big = await runCodec(ndjsonDecode({ maxLineBytes: 40 }), chunked(utf8('1\n"' + 'x'.repeat(50) + '"\n2\n'), 30), onError.deadLetter());
    expect(big.items).toEqual([1, 2]);
    expect([(big.dead[0]!.error as JsonFormatError).recordIndex, (big.dead[0]!.error as JsonFormatError).line]).toEqual([1, 2]);
  });

  it('reports a chunk that is not bytes', async () => {
    const r = await runCodec(ndjsonDecode(), ['{"a":1}\n' as unknown as Uint8Array, utf8('2\n')], onError.deadLetter());
    expect(r.items).toEqual([2]);
    expect(r.dead[0]!.error.message).toContain('expected a Uint8Array chunk, got string');
  });

  it('rejects bad options', () => {
    expect(() => ndjsonDecode({ schema: {} as never })).toThrow(InvalidArgumentError);
    expect(() => ndjsonDecode({ maxLineBytes: 0 })).toThrow('`maxLineBytes` must be a positive integer, got 0');
  });
});
