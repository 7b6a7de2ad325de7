import type { NodeOptions } from '../contracts.js';
import { InvalidArgumentError, requireFunction } from '../errors.js';
import type { MultiPortTransformer } from '../graph/model.js';
import { failed, guard } from '../operators/internal/guard.js';
import { defineFanOut, portNames } from './internal/ports.js';

/** Options of {@link split}. */
export interface SplitOptions extends NodeOptions {
  /** Name of an extra output port for items no predicate accepts (without it they are dropped and counted as skipped). */
  readonly rest?: string;
}

/**
 * Fan-out by predicates into named outputs: each item goes to every output
 * whose predicate accepts it (so one item may reach several outputs; for
 * exactly one, use {@link route}). Every signal reaches every output. A
 * throwing predicate goes through the error strategy naming this node.
 *
 * @example
 * ```ts
 * graph()
 *   .source('orders', fromArray(orders))
 *   .node('by', split({ big: (o: Order) => o.total > 100, eu: (o: Order) => o.region === 'eu' }, { rest: 'other' }))
 *   .sink('big', collect()).sink('eu', collect()).sink('other', collect())
 *   .connect('orders', 'by').connect('by.big', 'big').connect('by.eu', 'eu').connect('by.other', 'other');
 * ```
 * @see {@link route}, {@link partition}, {@link broadcast}
 */
export function split<T, P extends string, R extends string = never>(
  predicates: { readonly [K in P]: (item: T) => boolean },
  options: SplitOptions & { readonly rest?: R } = {},
): MultiPortTransformer<{ in: T }, { [K in P | R]: T }> {
  if (predicates === null || typeof predicates !== 'object') throw new InvalidArgumentError('split: `predicates` must be an object of named predicates');
  const names = Object.keys(predicates) as P[];
  for (const n of names) requireFunction('split', `predicates.${n}`, predicates[n]);
  const ports = portNames('split', options.rest === undefined ? names : [...names, options.rest]);
  const tests = names.map((n) => predicates[n]);
  return defineFanOut<T, { [K in P | R]: T }>('split', { predicates, rest: options.rest }, ports, options, (tools, ctx) => ({
    item(value, position) {
      let hit = false;
      for (let p = 0; p < tests.length; p++) {
        const ok = guard(ctx, tools.failSink, value, position, () => tests[p]!(value));
        if (ok === failed) return;
        if (ok) {
          hit = true;
          ctx.stats.out++;
          tools.emit(p, value);
        }
      }
      if (hit) return;
      if (options.rest !== undefined) {
        ctx.stats.out++;
        tools.emit(tests.length, value);
      } else ctx.stats.skipped++;
    },
  }));
}
