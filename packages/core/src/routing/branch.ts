import { Observable } from 'rxjs';
import type { NodeContext, NodeOptions, NodeStats, Transformer } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import type { MultiPortTransformer, PortMap } from '../graph/model.js';
import { alignedMerge } from '../internal/alignedMerge.js';
import { deriveContext } from '../internal/deriveContext.js';
import { describeNode } from '../internal/describe.js';
import { type Element, isSignal } from '../signals.js';

/**
 * Fan-out and fan-in inside a linear pipeline: `router` (any fan-out node, such
 * as {@link loadBalance}, {@link roundRobin}, {@link keyPartition},
 * {@link broadcast}, {@link route} or {@link split}) sends each item to one or
 * more of its ports, each port runs through its own transformer, and the
 * branches merge back with aligned signals (minimum watermark, aligned
 * barriers, one EndOfStream). Every signal reaches every branch.
 *
 * When to use: parallel workers (`loadBalance` over several `mapAsync`),
 * per-partition processing, or "do two things with every item" without
 * writing a graph.
 *
 * @example
 * ```ts
 * pipeline().from(jobs)
 *   .pipe(branch(loadBalance(['a', 'b']), { a: mapAsync(work), b: mapAsync(work) }))
 *   .to(collect());
 * ```
 * @see {@link graph} for fan-outs whose branches end in different sinks.
 */
export function branch<T, Out extends PortMap, O>(
  router: MultiPortTransformer<{ in: T }, Out>,
  branches: { readonly [K in keyof Out & string]: Transformer<Out[K], O> },
  options?: NodeOptions,
): Transformer<T, O> {
  const d = (router as { descriptor?: { inputs?: unknown; outputs?: unknown } } | null)?.descriptor;
  if (!d || !Array.isArray(d.outputs) || typeof (router as { applyPorts?: unknown }).applyPorts !== 'function') {
    throw new InvalidArgumentError('branch: `router` must be a fan-out node (a multi-port transformer with an `in` port)');
  }
  const ports = d.outputs as string[];
  for (const p of ports) {
    const t = (branches as Record<string, Transformer<unknown, O> | undefined>)?.[p];
    if (!t || typeof t.apply !== 'function') throw new InvalidArgumentError(`branch: no transformer for the router's port "${p}"`);
  }
  return {
    descriptor: describeNode('transformer', 'branch', { router: router.descriptor.type, ports }, options),
    ...(options?.errors ? { errors: options.errors } : {}),
    countsItself: true,
    apply(input, ctx) {
      const stats = ctx.stats;
      const sub = (id: string): NodeContext => {
        const s: NodeStats = { in: 0, out: 0, errors: 0, skipped: 0 };
        return deriveContext(ctx, { id: `${ctx.id}.${id}`, component: { id: `${ctx.id}.${id}`, type: ctx.component.type }, stats: s });
      };
      const routerCtx = sub(router.descriptor.type);
      const outs = router.applyPorts({ in: input } as never, routerCtx) as Record<string, Observable<Element<unknown>>>;
      const merged = alignedMerge(
        ports.map((p) => (branches as Record<string, Transformer<unknown, O>>)[p]!.apply(outs[p]!, sub(p)) as Observable<Element<O>>),
      );
      return new Observable<Element<O>>((o) =>
        merged.subscribe({
          next(el) {
            stats.in = routerCtx.stats.in;
            if (!isSignal(el)) stats.out++;
            o.next(el);
          },
          error: (e: unknown) => o.error(e),
          complete: () => {
            stats.in = routerCtx.stats.in;
            o.complete();
          },
        }),
      );
    },
  };
}
