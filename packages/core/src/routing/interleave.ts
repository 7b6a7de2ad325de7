import type { NodeOptions } from '../contracts.js';
import type { MultiPortTransformer } from '../graph/model.js';
import { InputQueues } from './internal/queues.js';
import { defineFanIn, portNames } from './internal/ports.js';
import type { FanInPorts } from './merge.js';

/**
 * Fan-in taking one item from each input in turn (a, b, a, b…); an ended input
 * leaves the rotation. Items wait for their turn holding backpressure credit.
 * Signals are aligned as in {@link merge}; before a barrier or EndOfStream
 * passes, waiting items are emitted in rotation order.
 *
 * @example
 * ```ts
 * graph().source('a', fromArray([1, 3])).source('b', fromArray([2, 4])).node('i', interleave<number, ['a', 'b']>(['a', 'b'])) // 1, 2, 3, 4
 * ```
 * @see {@link merge}, {@link zip}, {@link roundRobin}
 */
export function interleave<T, const B extends number | readonly string[]>(inputs: B, options?: NodeOptions): MultiPortTransformer<FanInPorts<T, B>, { out: T }> {
  const ports = portNames('interleave', inputs as number | readonly string[], 'in');
  return defineFanIn<FanInPorts<T, B>, T>('interleave', { inputs: ports }, ports, options, (out, ctx) => {
    const q = new InputQueues<T>(ports.length, ctx);
    let turn = 0;
    const emit = (v: T) => {
      ctx.stats.out++;
      out.next(v);
    };
    const pump = (force: boolean) => {
      for (let idle = 0; idle < ports.length; ) {
        if (q.queues[turn]!.length > 0) {
          q.shift(turn, emit);
          idle = 0;
        } else if (!q.ended[turn] && !force) return;
        else idle++;
        turn = (turn + 1) % ports.length;
      }
    };
    return {
      item(port, value) {
        q.push(port, value as T);
        pump(false);
      },
      ended(port) {
        q.ended[port] = true;
        pump(false);
      },
      signal(s) {
        if (s.kind !== 'watermark') pump(true);
        out.next(s);
      },
      complete() {
        pump(true);
        out.complete();
      },
      teardown: () => q.releaseAll(),
    };
  });
}
