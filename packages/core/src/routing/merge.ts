import type { NodeOptions } from '../contracts.js';
import type { MultiPortTransformer } from '../graph/model.js';
import { defineFanIn, portNames } from './internal/ports.js';
import type { FanOutPorts } from './roundRobin.js';

/** Input ports of a fan-in node: named ones, or `in0`…`in{n-1}` for a count. */
export type FanInPorts<T, B extends number | readonly string[]> = B extends number
  ? { [K in keyof FanOutPorts<T, B> as K extends `out${infer I}` ? `in${I}` : K]: T }
  : FanOutPorts<T, B>;

/**
 * Fan-in in arrival order (RxJS `merge`) with aligned signals: the output
 * watermark is the minimum over the live inputs, a checkpoint barrier passes
 * once every input has delivered it (inputs that delivered it wait, their
 * items buffered with backpressure credit), and EndOfStream follows once every
 * input has ended.
 *
 * (Several edges into one port merge the same way; this node makes the merge
 * explicit and names its inputs.)
 *
 * @example
 * ```ts
 * graph().source('a', srcA).source('b', srcB).node('m', merge<Ev, ['a', 'b']>(['a', 'b'])).sink('out', collect())
 *   .connect('a', 'm.a').connect('b', 'm.b').connect('m', 'out');
 * ```
 * @see {@link orderedMerge}, {@link interleave}, {@link zip}, {@link concat}
 */
export function merge<T, const B extends number | readonly string[]>(inputs: B, options?: NodeOptions): MultiPortTransformer<FanInPorts<T, B>, { out: T }> {
  const ports = portNames('merge', inputs as number | readonly string[], 'in');
  return defineFanIn<FanInPorts<T, B>, T>('merge', { inputs: ports }, ports, options, (out, ctx) => ({
    item(_port, value) {
      ctx.stats.out++;
      out.next(value as T);
    },
  }));
}
