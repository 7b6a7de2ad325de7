import type { NodeOptions } from '../contracts.js';
import type { MultiPortTransformer } from '../graph/model.js';
import { InputQueues } from './internal/queues.js';
import { defineFanIn, portNames } from './internal/ports.js';
import type { FanInPorts } from './merge.js';

/**
 * Pairs the i-th items of every input into a tuple (in port order), like RxJS
 * `zip`. Items wait (holding backpressure credit) until every input has one.
 * Once an input has ended with nothing waiting, no more tuples can form: later
 * items of the other inputs are dropped and counted as skipped. Signals are
 * aligned as in {@link merge}.
 *
 * @example
 * ```ts
 * graph().source('names', fromArray(['a', 'b'])).source('ages', fromArray([1, 2]))
 *   .node('z', zip<string | number, ['names', 'ages']>(['names', 'ages'])).sink('out', collect()) // [['a', 1], ['b', 2]]
 *   .connect('names', 'z.names').connect('ages', 'z.ages').connect('z', 'out');
 * ```
 * @see {@link merge}, {@link interleave}
 */
export function zip<T, const B extends number | readonly string[]>(inputs: B, options?: NodeOptions): MultiPortTransformer<FanInPorts<T, B>, { out: T[] }> {
  const ports = portNames('zip', inputs as number | readonly string[], 'in');
  return defineFanIn<FanInPorts<T, B>, T[]>('zip', { inputs: ports }, ports, options, (out, ctx) => {
    const q = new InputQueues<T>(ports.length, ctx);
    const exhausted = () => ports.some((_, p) => q.ended[p] && q.queues[p]!.length === 0);
    const drop = () => {
      if (!exhausted()) return;
      for (const queue of q.queues) for (const e of queue.splice(0)) {
        ctx.stats.skipped++;
        e.hold.release();
      }
    };
    return {
      item(port, value) {
        if (exhausted()) {
          ctx.stats.skipped++;
          return;
        }
        q.push(port, value as T);
        if (q.queues.every((x) => x.length > 0)) {
          const tuple = q.queues.map((x) => x.shift()!);
          ctx.stats.out++;
          out.next(tuple.map((e) => e.v));
          for (const e of tuple) e.hold.release();
        }
        drop();
      },
      ended(port) {
        q.ended[port] = true;
        drop();
      },
      teardown: () => q.releaseAll(),
    };
  });
}
