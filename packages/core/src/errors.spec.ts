import { backoffDelay, GraphValidationError, InvalidArgumentError, onError, PipelineAbortedError, StreamWeaveError } from './index.js';

describe('errors', () => {
  it('StreamWeaveError names component, position, attempt and cause', () => {
    const e = new StreamWeaveError('failed', { component: { id: 'parse', type: 'map' }, position: 7, attempt: 2, cause: new Error('bad json') });
    expect(e.message).toBe('[map "parse", item #7, attempt 2] failed: bad json');
    expect([e.component?.id, e.position, e.attempt]).toEqual(['parse', 7, 2]);
    expect(new StreamWeaveError('plain').message).toBe('plain');
    expect(new StreamWeaveError('x', { cause: 'text' }).message).toBe('x: text');
    expect(new StreamWeaveError('x', { cause: { code: 1 } }).message).toBe('x: {"code":1}');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(new StreamWeaveError('x', { cause: circular }).message).toBe('x: [object Object]');
    expect(new GraphValidationError('bad', ['a']).nodes).toEqual(['a']);
    expect(new PipelineAbortedError().name).toBe('AbortError');
    expect(new InvalidArgumentError('y').name).toBe('InvalidArgumentError');
  });

  it('onError builds strategies and validates them', () => {
    expect(onError.stop()).toEqual({ kind: 'stop' });
    expect(onError.skip()).toEqual({ kind: 'skip' });
    expect(onError.deadLetter()).toEqual({ kind: 'deadLetter' });
    expect(onError.retry()).toEqual({
      kind: 'retry',
      maxAttempts: 3,
      backoff: { initialDelayMs: 100, maxDelayMs: 30_000, factor: 2, jitter: 0.2 },
      onExhausted: 'stop',
    });
    expect(() => onError.retry({ maxAttempts: 0 })).toThrow('onError.retry: maxAttempts must be a positive integer, got 0');
    expect(() => onError.custom('skip' as never)).toThrow('onError.custom: expected a function, got string');
  });

  it('backoffDelay grows exponentially, caps, and jitters within bounds', () => {
    const b = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(b, a))).toEqual([100, 200, 400, 800, 1000]);
    const j = { ...b, jitter: 0.5 };
    expect(backoffDelay(j, 2, () => 0)).toBe(100);
    expect(backoffDelay(j, 2, () => 0.999999)).toBe(300);
  });
});
