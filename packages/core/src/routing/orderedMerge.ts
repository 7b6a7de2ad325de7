import type { NodeOptions } from '../contracts.js';
import { InvalidArgumentError, requireFunction } from '../errors.js';
import type { MultiPortTransformer } from '../graph/model.js';
import { failed, guard, requireKeyOf } from '../operators/internal/guard.js';
import { naturalOrder } from '../operators/internal/sorting.js';
import { InputQueues } from './internal/queues.js';
import { defineFanIn, portNames } from './internal/ports.js';
import type { FanInPorts } from './merge.js';

/** Options of {@link orderedMerge}. */
export interface OrderedMergeOptions<T, K> extends NodeOptions {
  /** Order key of an item (its event time, a sequence number…). */
  readonly key: (item: T) => K;
  /** Compares keys (default: ascending natural order). */
  readonly compare?: (a: K, b: K) => number;
  /** The key is event time (ms): items whose key is at or below the combined watermark leave without waiting for the other inputs. */
  readonly eventTime?: boolean;
}

/**
 * Fan-in of inputs that are each sorted by `key` into one sorted stream (the
 * merge step of a merge sort): an item leaves once every live input has an
 * item waiting or has ended, the smallest first. With `eventTime`, the combined
 * (minimum) watermark also releases items at or below it, so a quiet input does
 * not stall the others. Waiting items hold backpressure credit.
 *
 * Signals are aligned as in {@link merge}; before a barrier or EndOfStream
 * passes, every waiting item is emitted in order (order is guaranteed within
 * each checkpoint interval). A missing or throwing key goes through the error
 * strategy naming this node and the item position.
 *
 * @example
 * ```ts
 * graph().source('a', sortedA).source('b', sortedB).node('m', orderedMerge(['a', 'b'], { key: (e: Ev) => e.ts, eventTime: true }))
 * ```
 * @see {@link merge}, {@link externalSort}
 */
export function orderedMerge<T, K, const B extends number | readonly string[]>(
  inputs: B,
  options: OrderedMergeOptions<T, K>,
): MultiPortTransformer<FanInPorts<T, B>, { out: T }> {
  const ports = portNames('orderedMerge', inputs as number | readonly string[], 'in');
  if (!options || typeof options.key !== 'function') throw new InvalidArgumentError('orderedMerge: `options.key` must be a function');
  const compare = options.compare ?? naturalOrder;
  requireFunction('orderedMerge', 'compare', compare);
  const keyOf = requireKeyOf(options.key);
  const eventTime = options.eventTime ?? false;
  return defineFanIn<FanInPorts<T, B>, T>('orderedMerge', { inputs: ports, key: options.key, compare, eventTime }, ports, options, (out, ctx) => {
    const q = new InputQueues<{ k: K; v: T }>(ports.length, ctx);
    let watermark = -Infinity;
    const emit = (e: { v: T }) => {
      ctx.stats.out++;
      out.next(e.v);
    };
    const minPort = (): number => {
      let best = -1;
      for (let p = 0; p < ports.length; p++) {
        const head = q.queues[p]![0];
        if (head && (best < 0 || compare(head.v.k, q.queues[best]![0]!.v.k) < 0)) best = p;
      }
      return best;
    };
    const pump = (all: boolean) => {
      for (;;) {
        const p = minPort();
        if (p < 0) return;
        const ready = all || ports.every((_, i) => q.settled(i)) || (eventTime && (q.queues[p]![0]!.v.k as number) <= watermark);
        if (!ready) return;
        q.shift(p, emit);
      }
    };
    return {
      item(port, value, position) {
        const k = guard(ctx, out, value, position, () => keyOf(value as T));
        if (k === failed) return;
        q.push(port, { k, v: value as T });
        pump(false);
      },
      ended(port) {
        q.ended[port] = true;
        pump(false);
      },
      signal(s) {
        if (s.kind === 'watermark') {
          watermark = s.timestamp;
          pump(false);
        } else pump(true);
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
