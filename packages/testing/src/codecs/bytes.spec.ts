import { InvalidArgumentError } from '@streamweave/core';
import { chunked, concat, mutate, splitAt, text, utf8 } from '../index.js';

describe('byte helpers', () => {
  it('utf8 and text round-trip multi-byte text across chunks', () => {
    expect([...utf8('é€')]).toEqual([0xc3, 0xa9, 0xe2, 0x82, 0xac]);
    expect(text([utf8('a'), Uint8Array.of(0xc3), Uint8Array.of(0xa9)])).toBe('aé');
    expect([...concat([Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3)])]).toEqual([1, 2, 3]);
  });

  it('chunked cuts every size bytes and rejects a bad size', () => {
    expect(chunked(utf8('abcde'), 2).map((c) => text([c]))).toEqual(['ab', 'cd', 'e']);
    expect(chunked(new Uint8Array(0), 3)).toEqual([]);
    expect(() => chunked(utf8('a'), 0)).toThrow(InvalidArgumentError);
    expect(() => chunked(utf8('a'), 1.5)).toThrow('chunked: size must be a positive integer, got 1.5');
  });

  it('splitAt cuts at points modulo length + 1, sorted, duplicates dropped', () => {
    expect(splitAt(utf8('abcdef'), [4, 2, 10, 2]).map((c) => text([c]))).toEqual(['ab', 'c', 'd', 'ef']);
    expect(splitAt(utf8('ab'), [0, 3, 2]).map((c) => text([c]))).toEqual(['', 'ab', '']);
    expect(splitAt(new Uint8Array(0), [5])).toEqual([new Uint8Array(0), new Uint8Array(0)]);
    expect(splitAt(utf8('ab'), []).map((c) => text([c]))).toEqual(['ab']);
  });
});

describe('mutate', () => {
  const bytes = Uint8Array.of(1, 2, 3, 4);

  it('truncates, flips and inserts at positions taken modulo the length, on a copy', () => {
    expect([...mutate(bytes, { kind: 'truncate', at: 6 })]).toEqual([1, 2]);
    expect([...mutate(bytes, { kind: 'flip', at: [0, 5], value: 9 })]).toEqual([9, 9, 3, 4]);
    expect([...mutate(bytes, { kind: 'insert', at: 7, bytes: Uint8Array.of(8, 8) })]).toEqual([1, 2, 8, 8, 3, 4]);
    expect([...mutate(bytes, { kind: 'insert', at: 4, bytes: Uint8Array.of(7) })]).toEqual([1, 2, 3, 4, 7]);
    expect([...bytes]).toEqual([1, 2, 3, 4]);
  });

  it('leaves empty input empty', () => {
    expect(mutate(new Uint8Array(0), { kind: 'insert', at: 0, bytes: Uint8Array.of(1) })).toEqual(new Uint8Array(0));
  });
});

