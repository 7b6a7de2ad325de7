/**
 * JSON encoding of window state for checkpoints. Window bounds, cleanup times
 * and watermarks are often ±Infinity (global windows, the initial watermark) and
 * accumulators may hold them too (a max starting at -Infinity); plain JSON would
 * turn them into null, so non-finite numbers are tagged.
 */

const tag = '\u0000n';

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { [tag]: String(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && tag in value) return Number((value as Record<string, string>)[tag]);
  return value;
}

/** @internal */
export function encodeState(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/** @internal */
export function decodeState<V>(text: string): V {
  return JSON.parse(text, reviver) as V;
}
