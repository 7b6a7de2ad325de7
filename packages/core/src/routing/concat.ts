import type { NodeOptions } from '../contracts.js';
import type { MultiPortTransformer } from '../graph/model.js';
import { InputQueues } from './internal/queues.js';
import { defineFanIn, portNames } from './internal/ports.js';
import type { FanInPorts } from './merge.js';

/**
 * Fan-in one input after the other (RxJS `concat`): all of the first input's
 * items, then the second's… Items of later inputs wait, holding backpressure
 * credit, so their sources pause until their turn. Signals are aligned as in
 * {@link merge}. Feeding it from two branches of one source can stall once the
 * credit window fills; use it for independent sources.
 *
 * @example
 * ```ts
 * graph().source('history', fromArray(old)).source('live', liveSrc).node('c', concat<Ev, ['history', 'live']>(['history', 'live']))
 * ```
 * @see {@link merge}, {@link zip}
 */
export function concat<T, const B extends number | readonly string[]>(inputs: B, options?: NodeOptions): MultiPortTransformer<FanInPorts<T, B>, { out: T }> {
  const ports = portNames('concat', inputs as number | readonly string[], 'in');
  return defineFanIn<FanInPorts<T, B>, T>('concat', { inputs: ports }, ports, options, (out, ctx) => {
    const q = new InputQueues<T>(ports.length, ctx);
    let current = 0;
    const emit = (v: T) => {
      ctx.stats.out++;
      out.next(v);
    };
    const advance = () => {
      while (current < ports.length) {
        while (q.queues[current]!.length > 0) q.shift(current, emit);
        if (!q.ended[current]) return;
        current++;
      }
    };
    return {
      item(port, value) {
        if (port === current) emit(value as T);
        else q.push(port, value as T);
      },
      ended(port) {
        q.ended[port] = true;
        advance();
      },
      teardown: () => q.releaseAll(),
    };
  });
}
