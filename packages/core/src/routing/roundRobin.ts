import type { NodeOptions } from '../contracts.js';
import type { MultiPortTransformer, PortMap } from '../graph/model.js';
import { defineFanOut, portNames } from './internal/ports.js';

/** Output ports `out0`…`out{n-1}` of a fan-out node with `n` branches. */
export type IndexedPorts<T, N extends number> = { [K in `out${PortIndex<N>}`]: T };
/** Union of the integers 0…N-1: the indexes of {@link IndexedPorts}. */
export type PortIndex<N extends number, Acc extends number[] = []> = Acc['length'] extends N ? Acc[number] : PortIndex<N, [...Acc, Acc['length']]>;

/** Ports of a fan-out node: named ones, or `out0`…`out{n-1}` for a count. */
export type FanOutPorts<T, B extends number | readonly string[]> = B extends readonly (infer S extends string)[]
  ? { [K in S]: T }
  : B extends number
    ? number extends B
      ? PortMap
      : IndexedPorts<T, B>
    : never;

/**
 * Fan-out in turn: item i goes to branch i mod n. Every signal reaches every
 * branch. Stays balanced exactly (branch counts differ by at most one).
 *
 * @example
 * ```ts
 * graph().source('jobs', src).node('rr', roundRobin<Job, 3>(3)) // ports out0, out1, out2 (the item type is given: no argument carries it)
 *   .transform('w0', mapAsync(work)).connect('rr.out0', 'w0') // …
 * ```
 * @see {@link loadBalance}, {@link keyPartition}, {@link broadcast}
 */
export function roundRobin<T, const B extends number | readonly string[]>(branches: B, options?: NodeOptions): MultiPortTransformer<{ in: T }, FanOutPorts<T, B>> {
  const ports = portNames('roundRobin', branches as number | readonly string[]);
  return defineFanOut<T, FanOutPorts<T, B>>('roundRobin', { branches: ports }, ports, options, (tools, ctx) => {
    let next = 0;
    return {
      item(value) {
        ctx.stats.out++;
        tools.emit(next, value);
        next = (next + 1) % ports.length;
      },
    };
  });
}
