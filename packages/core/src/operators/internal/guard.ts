/**
 * Calls into user code (key extractors, comparators, reducers) from an operator:
 * a throw goes through the node's error strategy (synchronous retry, skip,
 * dead letter or stop), so every failure names the component and the position.
 */
import type { Subscriber } from 'rxjs';
import type { NodeContext } from '../../contracts.js';
import { failed, recoverSync } from '../../internal/recoverSync.js';

export { failed };

/** Runs `call`; on a throw applies the strategy. Returns {@link failed} when the item is gone. */
export function guard<R>(ctx: NodeContext, out: Subscriber<unknown>, item: unknown, position: number, call: () => R): R | typeof failed {
  try {
    return call();
  } catch (e) {
    return recoverSync(ctx, out, e, item, position, call);
  }
}

/** Thrown (and routed through the strategy) when a key extractor yields no key. */
export class MissingKeyError extends Error {
  override readonly name = 'MissingKeyError';
  constructor(what: string) {
    super(`item has no ${what} (the extractor returned undefined)`);
  }
}

/** Wraps a key extractor so that `undefined` counts as a failure rather than a key. */
export function requireKeyOf<T, K>(fn: (item: T) => K, what = 'key'): (item: T) => K {
  return (item) => {
    const k = fn(item);
    if (k === undefined) throw new MissingKeyError(what);
    return k;
  };
}
