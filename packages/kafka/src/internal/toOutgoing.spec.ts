import { defaultToRecord } from './toOutgoing.js';

describe('defaultToRecord', () => {
  it('maps strings, Buffers, records and other values', () => {
    expect(defaultToRecord('a')).toEqual({ value: 'a' });
    const b = Buffer.from('x');
    expect(defaultToRecord(b)).toEqual({ value: b });
    expect(defaultToRecord({ n: 1 })).toEqual({ value: '{"n":1}' });
    expect(defaultToRecord({ value: 5 })).toEqual({ value: '{"value":5}' });
    expect(
      defaultToRecord({ topic: 'in', partition: 3, offset: '9', key: b, value: null, headers: { h: 'v', u: undefined, n: 1 } }),
    ).toEqual({ key: b, value: null, headers: { h: 'v' } });
    expect(defaultToRecord({ key: null, value: 'v', headers: {} })).toEqual({ value: 'v' });
  });
});
