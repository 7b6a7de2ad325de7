/** Compact text form of elements, for readable assertions and failure messages. */
import { type Element, isCheckpointBarrier, isEndOfStream, isWatermark } from '@streamweave/core';

/**
 * Turns elements into short strings: data items as JSON, `W(t)` for a watermark
 * (`IDLE(t)` for an idle one),
 * `B(id)` for a checkpoint barrier (`B(id,savepoint)` for a savepoint), `EOS` for
 * EndOfStream. Signals are class instances, so comparing their text form is
 * clearer than a deep-equality diff of objects.
 *
 * @example
 * ```ts
 * formatElements([1, watermark(5), 'a', checkpointBarrier(1, 0), endOfStream]);
 * // ['1', 'W(5)', '"a"', 'B(1)', 'EOS']
 * ```
 * @see {@link collectElements}, {@link runOperator}
 */
export function formatElements(elements: readonly Element<unknown>[]): string[] {
  return elements.map(formatElement);
}

function formatElement(el: Element<unknown>): string {
  if (isWatermark(el)) return el.idle ? `IDLE(${el.timestamp})` : `W(${el.timestamp})`;
  if (isCheckpointBarrier(el)) return el.savepoint ? `B(${el.checkpointId},savepoint)` : `B(${el.checkpointId})`;
  if (isEndOfStream(el)) return 'EOS';
  if (el === undefined) return 'undefined';
  try {
    return JSON.stringify(el) ?? String(el);
  } catch {
    return String(el);
  }
}
