/** Test-only helpers (not exported): a consumer that records data and signals in order. */
import { defineConsumer, type Consumer, type Element, isSignal, type Signal } from '../index.js';

/** Renders elements compactly: data as-is, signals as 'wm:5' (idle: 'idle:5'), 'cp:1', 'eos'. */
export function show(el: Element<unknown>): unknown {
  if (!isSignal(el)) return el;
  const s = el as Signal;
  if (s.kind === 'watermark') return s.idle ? `idle:${s.timestamp}` : `wm:${s.timestamp}`;
  if (s.kind === 'barrier') return `cp:${s.checkpointId}`;
  return 'eos';
}

/** Collects data and signals in arrival order, rendered with {@link show}. */
export function collectElements<T>(): Consumer<T, unknown[]> {
  return defineConsumer<T, unknown[]>('collectElements', {}, undefined, () => {
    const seen: unknown[] = [];
    return {
      item: (v) => void seen.push(v),
      signal: (s) => void seen.push(show(s)),
      complete: () => seen,
    };
  });
}

/** A producer emitting the given elements (data and signals) in one pull. */
export { fromElements } from './fromElements.js';
