import type { NodeOptions } from '../contracts.js';
import { requireFunction } from '../errors.js';
import type { MultiPortTransformer } from '../graph/model.js';
import { failed } from '../operators/internal/guard.js';
import { recoverSync } from '../internal/recoverSync.js';
import { defineFanOut } from './internal/ports.js';

/**
 * Fan-out in two: items the predicate accepts go to port `matched`, the others
 * to `unmatched` (RxJS `partition`, as one graph node). Nothing is dropped.
 *
 * @example
 * ```ts
 * graph().source('n', range(0, 10)).node('p', partition((x: number) => x % 2 === 0))
 *   .sink('even', collect()).sink('odd', collect())
 *   .connect('n', 'p').connect('p.matched', 'even').connect('p.unmatched', 'odd');
 * ```
 * @see {@link split}, {@link route}
 */
export function partition<T>(predicate: (item: T) => boolean, options?: NodeOptions): MultiPortTransformer<{ in: T }, { matched: T; unmatched: T }> {
  requireFunction('partition', 'predicate', predicate);
  return defineFanOut<T, { matched: T; unmatched: T }>('partition', { predicate }, ['matched', 'unmatched'], options, (tools, ctx) => ({
    item(value, position) {
      let ok: boolean | typeof failed;
      try {
        ok = predicate(value);
      } catch (e) {
        ok = recoverSync(ctx, tools.failSink, e, value, position, () => predicate(value));
        if (ok === failed) return;
      }
      ctx.stats.out++;
      tools.emit(ok ? 0 : 1, value);
    },
  }));
}
