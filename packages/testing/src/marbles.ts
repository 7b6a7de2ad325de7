/** A compact text notation for timelines, in the spirit of RxJS marble diagrams. */
import { InvalidArgumentError, type NodeOptions, type Producer, type Element, isSignal } from '@streamweave/core';
import { fromTimeline, type TimelineEntry } from './fromTimeline.js';

/** Options of {@link parseMarbles} and {@link fromMarbles}. */
export interface MarbleOptions {
  /** Virtual milliseconds per frame (default 10). */
  readonly frameMs?: number;
  /** The error an `#` raises (default `new Error('marble error')`). */
  readonly error?: unknown;
}

/**
 * Parses a marble string into timeline entries. One frame per character:
 *
 * - `-` : one frame passes with nothing emitted;
 * - any other character `c` : emits `values[c]` when given (a data item or a
 *   signal such as `watermark(5)`), else the character itself as a string;
 * - `(abc)` : everything inside happens in the same frame; the group takes one frame;
 * - `|` : the stream ends; `#` : the source fails with `options.error`;
 * - spaces are ignored (use them to align diagrams).
 *
 * Frame k happens at `k * frameMs` ms. Without `|` the stream stays open (drain it).
 *
 * @example
 * ```ts
 * parseMarbles('a-b-(c|)', { w: watermark(5) });
 * // [{at: 0, value: 'a'}, {at: 20, value: 'b'}, {at: 40, value: 'c'}, {at: 40, end: true}]
 * ```
 * @see {@link fromMarbles}, {@link fromTimeline}
 */
export function parseMarbles<T = string>(
  marbles: string,
  values: Readonly<Record<string, Element<T>>> = {},
  options: MarbleOptions = {},
): TimelineEntry<T>[] {
  if (typeof marbles !== 'string') throw new InvalidArgumentError(`parseMarbles: \`marbles\` must be a string, got ${typeof marbles}`);
  const frameMs = options.frameMs ?? 10;
  if (!(typeof frameMs === 'number' && frameMs > 0 && Number.isFinite(frameMs))) {
    throw new InvalidArgumentError(`parseMarbles: \`frameMs\` must be a positive number, got ${String(frameMs)}`);
  }
  const entries: TimelineEntry<T>[] = [];
  let frame = 0;
  let inGroup = false;
  for (let i = 0; i < marbles.length; i++) {
    const c = marbles[i]!;
    const at = frame * frameMs;
    switch (c) {
      case ' ':
        continue;
      case '(':
        if (inGroup) throw new InvalidArgumentError(`parseMarbles: nested group at column ${i} in "${marbles}"`);
        inGroup = true;
        continue;
      case ')':
        if (!inGroup) throw new InvalidArgumentError(`parseMarbles: ")" without "(" at column ${i} in "${marbles}"`);
        inGroup = false;
        frame++;
        continue;
      case '-':
        break;
      case '|':
        entries.push({ at, end: true });
        break;
      case '#':
        entries.push({ at, error: options.error ?? new Error('marble error') });
        break;
      default: {
        const v = Object.prototype.hasOwnProperty.call(values, c) ? values[c]! : (c as Element<T>);
        entries.push(isSignal(v) ? { at, signal: v } : { at, value: v as T });
      }
    }
    if (!inGroup) frame++;
  }
  if (inGroup) throw new InvalidArgumentError(`parseMarbles: unclosed group in "${marbles}"`);
  return entries;
}

/**
 * A producer playing a marble string on the run's clock: `parseMarbles` + {@link fromTimeline}.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const out = await runOperator(delay(15), fromMarbles('a-b|'), { clock });
 * out.data; // ['a', 'b']
 * ```
 * @see {@link parseMarbles}, {@link fromTimeline}
 */
export function fromMarbles<T = string>(
  marbles: string,
  values: Readonly<Record<string, Element<T>>> = {},
  options: MarbleOptions & NodeOptions = {},
): Producer<T> {
  return fromTimeline(parseMarbles(marbles, values, options), { ...(options.name ? { name: options.name } : {}), ...(options.errors ? { errors: options.errors } : {}) });
}
