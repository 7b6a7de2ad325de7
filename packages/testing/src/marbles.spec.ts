import { checkpointBarrier, delay, StreamWeaveError, VirtualClock, watermark } from '@streamweave/core';
import { formatElements, fromMarbles, parseMarbles, runOperator } from './index.js';

describe('parseMarbles', () => {
  it('gives one frame per character and one frame per group', () => {
    expect(parseMarbles('a-b-(c|)')).toEqual([
      { at: 0, value: 'a' },
      { at: 20, value: 'b' },
      { at: 40, value: 'c' },
      { at: 40, end: true },
    ]);
  });

  it('maps characters through values, signals included, and ignores spaces', () => {
    const w = watermark(5);
    expect(parseMarbles<number>('x w -  #', { x: 1, w }, { frameMs: 100, error: 'bad' })).toEqual([
      { at: 0, value: 1 },
      { at: 100, signal: w },
      { at: 300, error: 'bad' },
    ]);
    expect(parseMarbles('#')).toEqual([{ at: 0, error: new Error('marble error') }]);
  });

  it('rejects malformed marbles and frame sizes', () => {
    expect(() => parseMarbles('a(b(c))')).toThrow('parseMarbles: nested group at column 3 in "a(b(c))"');
    expect(() => parseMarbles('a)')).toThrow('parseMarbles: ")" without "(" at column 1');
    expect(() => parseMarbles('(a')).toThrow('parseMarbles: unclosed group in "(a"');
    expect(() => parseMarbles(3 as never)).toThrow('parseMarbles: `marbles` must be a string, got number');
    expect(() => parseMarbles('a', {}, { frameMs: 0 })).toThrow('parseMarbles: `frameMs` must be a positive number, got 0');
  });
});

describe('fromMarbles', () => {
  it('tests a time-based operator in virtual time', async () => {
    const clock = new VirtualClock();
    const b = checkpointBarrier(1, 0);
    const out = await runOperator(delay<string>(15), fromMarbles<string>('a-b-(cB)|', { B: b }), { clock });
    expect(formatElements(out.elements)).toEqual(['"a"', '"b"', '"c"', 'B(1)']);
    // The end frame is at 50 ms; its EndOfStream is delayed like everything else.
    expect(clock.now()).toBe(65);
  });

  it('fails the run at # with the given error, under the given node name', async () => {
    const clock = new VirtualClock();
    const out = await runOperator(delay<string>(1), fromMarbles('a#', {}, { error: new Error('boom'), name: 'src', errors: { kind: 'stop' } }), {
      clock,
      allowError: true,
    });
    expect(out.data).toEqual(['a']);
    expect(out.error).toBeInstanceOf(StreamWeaveError);
    expect((out.error as Error).message).toContain('"src"');
    expect((out.error as Error).message).toContain('boom');
  });
});
