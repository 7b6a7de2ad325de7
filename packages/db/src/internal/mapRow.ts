/** Applying the user's row → item function inside a source, with the node's error strategy per row. */
import { type NodeContext, StreamWeaveError } from '@streamweave/core';

/**
 * Calls `map(row)`. When it throws, the failure goes through the node's error strategy
 * once for this row: `retry` calls `map` again at once (it is synchronous, as in core's
 * `map` operator), `skip` and `deadLetter` (which receives the raw row) return
 * `undefined` so the caller moves past the row, and `stop` throws the resolved error,
 * which names the component, the row's position and the cause. Handling it here rather
 * than letting the throw leave `pull` keeps the source's own read position exact: the
 * runtime would otherwise apply the strategy to the whole pull, knowing nothing of the row.
 */
export function mapRow<T>(
  ctx: Pick<NodeContext, 'component' | 'fail'>,
  map: (row: Record<string, unknown>) => T,
  row: Record<string, unknown>,
  position: number,
  describeRow: () => string,
): { readonly value: T } | undefined {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: map(row) };
    } catch (e) {
      const error = new StreamWeaveError(`map failed on ${describeRow()}`, { component: ctx.component, position, attempt, cause: e });
      const d = ctx.fail(error, row, position, attempt);
      if (d.action === 'stop') throw d.error;
      if (d.action !== 'retry') return undefined;
    }
  }
}
