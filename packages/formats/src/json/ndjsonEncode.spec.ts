import { onError } from '@streamweave/core';
import { JsonFormatError, ndjsonDecode, ndjsonEncode } from '@streamweave/formats';
import { runCodec, runCodecError, text } from '@streamweave/testing';

describe('ndjsonEncode', () => {
  it('writes one line per record, one chunk each, that ndjsonDecode reads back', async () => {
    const records = [{ a: 1, s: 'é\n"q"' }, [1, 2], null, 'x'];
    const r = await runCodec(ndjsonEncode(), records);
    expect(r.items).toHaveLength(4);
    expect(text(r.items)).toBe('{"a":1,"s":"é\\n\\"q\\""}\n[1,2]\nnull\n"x"\n');
    expect((await runCodec(ndjsonDecode(), r.items)).items).toEqual(records);
  });

  it('reports records JSON cannot represent, with their index', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const r = await runCodec(ndjsonEncode(), [1, undefined, cyclic, 2], onError.deadLetter());
    expect(text(r.items)).toBe('1\n2\n');
    expect(r.dead.map((d) => (d.error as JsonFormatError).recordIndex)).toEqual([1, 2]);
    const e = await runCodecError(ndjsonEncode({ source: 'out' }), [10n]);
    expect(e).toBeInstanceOf(JsonFormatError);
    expect((e as JsonFormatError).message).toContain('ndjson (source "out", record #0): record cannot be encoded as JSON');
  });
});
