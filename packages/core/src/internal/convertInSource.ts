/** Converting one raw input inside a producer (decode, map) under the node's error strategy. */
import type { NodeContext } from '../contracts.js';

/** Returned by {@link convertInSource} when the input was skipped or dead-lettered. */
export const skippedInput: unique symbol = Symbol('skippedInput');

/**
 * Converts one raw input of a source (a fetched record's payload, a row) with `convert`,
 * under the node's error strategy, at the source itself so that its read position stays
 * exact: a throw is reported for this input once per attempt (`describe` turns the thrown
 * value and the input into the error to report, e.g. naming the record; a function defined
 * once, so nothing is allocated per input); `retry` calls `convert` again at
 * once (it is synchronous), `skip` and `deadLetter` (which receives `deadLetterItem`, the raw
 * input by default) return {@link skippedInput} so the caller moves past the input, and
 * `stop` throws the resolved error, which names the component, the position and the cause.
 *
 * @param ctx - the producer's context
 * @param raw - the raw input
 * @param position - the input's position among the node's inputs (named in errors)
 * @param convert - raw input → item
 * @param describe - (thrown value, raw input) → the error to report (default: as thrown)
 * @param deadLetterItem - what a dead letter carries (default: `raw`)
 * @returns the item, or {@link skippedInput}
 * @example
 * ```ts
 * const undecodable = (e: unknown, r: Rec) => new StreamWeaveError(`cannot decode ${r.id}`, { cause: e });
 * const item = convertInSource(ctx, record, position, decode, undecodable);
 * if (item !== skippedInput) emit(item);
 * advance(record); // handled either way
 * ```
 */
export function convertInSource<R, T>(
  ctx: Pick<NodeContext, 'fail'>,
  raw: R,
  position: number,
  convert: (raw: R) => T,
  describe?: (error: unknown, raw: R) => unknown,
  deadLetterItem: unknown = raw,
): T | typeof skippedInput {
  for (let attempt = 1; ; attempt++) {
    try {
      return convert(raw);
    } catch (e) {
      const d = ctx.fail(describe ? describe(e, raw) : e, deadLetterItem, position, attempt);
      if (d.action === 'stop') throw d.error;
      if (d.action !== 'retry') return skippedInput;
    }
  }
}
