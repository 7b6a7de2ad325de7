import type { NodeOptions } from '../contracts.js';
import type { MultiPortTransformer } from '../graph/model.js';
import { BranchPool } from './internal/branchPool.js';
import { defineFanOut, portNames } from './internal/ports.js';
import type { FanOutPorts } from './roundRobin.js';

/**
 * Fan-out to the least-busy branch. Busy-ness is the number of backpressure
 * credits a branch holds: items it keeps in asynchronous stages, queues or slow
 * sinks downstream. Ties go round-robin, so fast (synchronous) branches share
 * evenly. Holds still count against the source, so backpressure is unchanged.
 * Every signal reaches every branch.
 *
 * @example
 * ```ts
 * graph().source('jobs', src).node('lb', loadBalance<Job, ['w0', 'w1']>(['w0', 'w1']))
 *   .transform('w0', mapAsync(work, { concurrency: 4 })).transform('w1', mapAsync(work, { concurrency: 4 }))
 *   .connect('jobs', 'lb').connect('lb.w0', 'w0').connect('lb.w1', 'w1'); // then merge w0 and w1
 * ```
 * @see {@link roundRobin}, {@link keyPartition}
 */
export function loadBalance<T, const B extends number | readonly string[]>(branches: B, options?: NodeOptions): MultiPortTransformer<{ in: T }, FanOutPorts<T, B>> {
  const ports = portNames('loadBalance', branches as number | readonly string[]);
  return defineFanOut<T, FanOutPorts<T, B>>('loadBalance', { branches: ports }, ports, options, (tools, ctx) => {
    const pools = ports.map(() => new BranchPool(true));
    let next = 0;
    return {
      item(value) {
        let best = -1;
        let bestBusy = Infinity;
        for (let i = 0; i < pools.length; i++) {
          const p = (next + i) % pools.length;
          if (pools[p]!.busy < bestBusy) {
            best = p;
            bestBusy = pools[p]!.busy;
          }
        }
        next = (best + 1) % pools.length;
        ctx.stats.out++;
        pools[best]!.push(() => tools.emit(best, value));
      },
    };
  });
}
