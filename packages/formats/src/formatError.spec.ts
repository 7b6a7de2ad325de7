import { StreamWeaveError } from '@streamweave/core';
import { FormatError } from '@streamweave/formats';

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
