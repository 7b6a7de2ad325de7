import { Subject, type OperatorFunction } from 'rxjs';
import type { NodeOptions, Transformer } from '../contracts.js';
import { requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';

/**
 * Lifts any RxJS operator into a transformer. The operator sees data items only;
 * signals bypass it. For synchronous operators (map, scan, filter, pairwise…)
 * signals keep their exact place; operators that hold items back in time
 * (delay, debounceTime, mergeMap with async inner streams) may let a signal pass
 * the items they hold — use StreamWeave's own operators for those.
 *
 * @example
 * ```ts
 * import { pairwise } from 'rxjs';
 * pipeline().from(range(1, 3)).pipe(lift(pairwise<number>())).to(collect()); // [[1, 2], [2, 3]]
 * ```
 * @see {@link map}
 */
export function lift<I, O>(operator: OperatorFunction<I, O>, options?: NodeOptions): Transformer<I, O> {
  requireFunction('lift', 'operator', operator);
  return defineTransformer<I, O>('lift', { operator: operator.name || 'operator' }, options, (out, ctx) => {
    const input = new Subject<I>();
    const subscription = operator(input).subscribe({
      next(v) {
        ctx.stats.out++;
        out.next(v);
      },
      error: (e: unknown) => out.error(ctx.fail(e, undefined, ctx.stats.in, 1).error),
      complete: () => out.complete(),
    });
    return {
      item(value) {
        input.next(value);
      },
      complete() {
        input.complete();
      },
      teardown() {
        subscription.unsubscribe();
      },
    };
  });
}
