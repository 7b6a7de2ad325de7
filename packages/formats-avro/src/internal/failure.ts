/** Routes a codec failure through the node's error strategy. */
import type { Subscriber } from 'rxjs';
import type { NodeContext, StreamWeaveError } from '@streamweave/core';

/** Retries of deterministic work cannot succeed; this bounds a custom strategy that keeps asking for them. */
const maxAttempts = 16;

/**
 * Reports `error` (about `item`, the `position`-th input of the node) and returns
 * true when the stream goes on (the item was skipped or dead-lettered, both
 * counted by the runtime) or false once the stream was failed. Decoding the
 * same bytes again gives the same result, so a retry is just another attempt
 * that fails the same way until the strategy gives up.
 */
export function reportFailure(
  ctx: NodeContext,
  out: Subscriber<unknown>,
  error: StreamWeaveError,
  item: unknown,
  position: number,
): boolean {
  for (let attempt = 1; ; attempt++) {
    const d = ctx.fail(error, item, position, attempt);
    if (d.action === 'skip' || d.action === 'deadLetter') return true;
    if (d.action === 'stop' || attempt >= maxAttempts) {
      out.error(d.error);
      return false;
    }
  }
}
