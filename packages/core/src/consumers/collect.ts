import type { Consumer, NodeOptions } from '../contracts.js';
import { InvalidArgumentError, StreamWeaveError } from '../errors.js';
import { defineConsumer } from '../internal/define.js';

/** Options of {@link collect}. */
export interface CollectOptions extends NodeOptions {
  /** Fail the run instead of growing past this many items (default: no limit). */
  readonly maxItems?: number;
}

/**
 * Collects every data item into an array (signals are not collected).
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(range(0, 3)).to(collect()).run(); // [0, 1, 2]
 * ```
 * @see {@link forEach}, {@link reduceTo}
 */
export function collect<T>(options: CollectOptions = {}): Consumer<T, T[]> {
  const maxItems = options.maxItems ?? Infinity;
  if (!(maxItems === Infinity || (Number.isInteger(maxItems) && maxItems >= 0))) {
    throw new InvalidArgumentError(`collect: \`maxItems\` must be a non-negative integer, got ${String(maxItems)}`);
  }
  return defineConsumer<T, T[]>('collect', { maxItems }, options, (ctx) => {
    const items: T[] = [];
    return {
      item(value, position) {
        if (items.length >= maxItems) {
          throw new StreamWeaveError(`more than maxItems=${maxItems} items`, { component: ctx.component, position });
        }
        items.push(value as T);
      },
      complete: () => items,
    };
  });
}
