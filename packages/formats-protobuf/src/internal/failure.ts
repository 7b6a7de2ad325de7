/** Routes a codec failure through the node's error strategy. */
import type { Subscriber } from 'rxjs';
import type { NodeContext, StreamWeaveError } from '@streamweave/core';

/** Retries of deterministic work cannot succeed; this bounds a custom strategy that keeps asking for them. */
const maxAttempts = 16;

/**
 * Reports `error` and returns true when the stream goes on (skipped or
 * dead-lettered, both counted by the runtime) or false once it was failed.
 * Decoding the same bytes again gives the same result, so a retry is another
 * attempt that fails the same way until the strategy gives up.
 */
export function reportFailure(ctx: NodeContext, out: Subscriber<unknown>, error: StreamWeaveError, item: unknown, position: number): boolean {
  for (let attempt = 1; ; attempt++) {
    const d = ctx.fail(error, item, position, attempt);
    if (d.action === 'skip' || d.action === 'deadLetter') return true;
    if (d.action === 'stop' || attempt >= maxAttempts) {
      out.error(d.error);
      return false;
    }
  }
}

/** A short description of a value of the wrong type, for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `an object (${(value as object).constructor?.name ?? 'Object'})` : typeof value;
}
