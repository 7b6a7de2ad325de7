import type { NodeOptions } from '../contracts.js';
import { InvalidArgumentError, requireFunction } from '../errors.js';
import type { MultiPortTransformer } from '../graph/model.js';
import { failed, guard } from '../operators/internal/guard.js';
import { defineFanOut, portNames } from './internal/ports.js';

/** Options of {@link route}. */
export interface RouteOptions<D extends string> extends NodeOptions {
  /** Port of items whose route is unknown or undefined (required: nothing is dropped silently). */
  readonly default: D;
}

/**
 * Content-based routing: `selector(item)` names the route (output port) of each
 * item; exactly one port receives it. An unknown or undefined route goes to the
 * `default` port. Every signal reaches every port. A throwing selector goes
 * through the error strategy naming this node.
 *
 * @example
 * ```ts
 * graph().source('events', src)
 *   .node('router', route((e: Ev) => e.type, ['click', 'view'], { default: 'unknown' }))
 *   // connect router.click, router.view and router.unknown
 * ```
 * @see {@link split}, {@link keyPartition}
 */
export function route<T, const R extends string, const D extends string>(
  selector: (item: T) => string | undefined,
  routes: readonly R[],
  options: RouteOptions<D>,
): MultiPortTransformer<{ in: T }, { [K in R | D]: T }> {
  requireFunction('route', 'selector', selector);
  if (!options || typeof options.default !== 'string') throw new InvalidArgumentError('route: `options.default` (the default route) is required');
  const ports = portNames('route', [...routes.filter((r) => (r as string) !== options.default), options.default]);
  const index = new Map(ports.map((p, i) => [p, i]));
  const fallback = ports.length - 1;
  return defineFanOut<T, { [K in R | D]: T }>('route', { selector, routes: ports, default: options.default }, ports, options, (tools, ctx) => ({
    item(value, position) {
      const r = guard(ctx, tools.failSink, value, position, () => selector(value));
      if (r === failed) return;
      ctx.stats.out++;
      tools.emit((r === undefined ? undefined : index.get(r)) ?? fallback, value);
    },
  }));
}
