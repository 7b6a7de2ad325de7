import { abortReason, LazyAbort, lazyKey, whenAborted } from './lazyAbort.js';

describe('LazyAbort', () => {
  it('makes no AbortSignal until asked, and a late signal is already aborted with the reason', () => {
    const a = new LazyAbort();
    const seen: string[] = [];
    const off = a.onAbort(() => seen.push('removed'));
    a.onAbort(() => seen.push('kept'));
    off();
    a.abort('stop');
    a.abort('again');
    expect(seen).toEqual(['kept']);
    expect([a.aborted, a.reason, a.signal.aborted, a.signal.reason]).toEqual([true, 'stop', true, 'stop']);
    // Listening after the abort runs at once.
    a.onAbort(() => seen.push('late'))();
    expect(seen).toEqual(['kept', 'late']);
  });

  it('a signal made before the abort fires its event', () => {
    const a = new LazyAbort();
    const signal = a.signal;
    let fired: unknown;
    signal.addEventListener('abort', () => (fired = signal.reason));
    a.abort('bye');
    expect(fired).toBe('bye');
  });

  it('whenAborted and abortReason use the runtime flag when present, the standard signal otherwise', () => {
    const lazy = new LazyAbort();
    const runtimeCtx = { [lazyKey]: lazy, get signal(): AbortSignal { throw new Error('not made'); } };
    const calls: string[] = [];
    whenAborted(runtimeCtx, () => calls.push('runtime'));
    lazy.abort('r');
    expect([calls, abortReason(runtimeCtx)]).toEqual([['runtime'], 'r']);

    const controller = new AbortController();
    const plainCtx = { signal: controller.signal };
    const off = whenAborted(plainCtx, () => calls.push('removed'));
    off();
    whenAborted(plainCtx, () => calls.push('plain'));
    controller.abort('p');
    whenAborted(plainCtx, () => calls.push('already'));
    expect([calls, abortReason(plainCtx)]).toEqual([['runtime', 'plain', 'already'], 'p']);
  });
});
