import type { NodeOptions } from '../contracts.js';
import { requireFunction } from '../errors.js';
import type { MultiPortTransformer } from '../graph/model.js';
import { failed, guard, requireKeyOf } from '../operators/internal/guard.js';
import { stableHash } from '../operators/internal/hash.js';
import { defineFanOut, portNames } from './internal/ports.js';
import type { FanOutPorts } from './roundRobin.js';

/**
 * The branch a key goes to among `n`: FNV-1a (32-bit) of the key's canonical
 * text, modulo n. The canonical text is the string itself for strings,
 * `number:<n>` / `boolean:<b>` / `bigint:<n>` for those types, and
 * `json:<JSON>` otherwise. The hash is stable across runs, processes and
 * machines, so a key always reaches the same branch while `n` is unchanged.
 *
 * @example
 * ```ts
 * partitionOf('user-42', 4); // always the same branch, in every process
 * ```
 * @see {@link keyPartition}
 */
export function partitionOf(key: unknown, n: number): number {
  return stableHash(key) % n;
}

/**
 * Key-partitioned fan-out (Kafka-style): each item goes to branch
 * {@link partitionOf}(key(item), n), so all items of a key reach the same
 * branch, in order. Every signal reaches every branch. A throwing or missing
 * key goes through the error strategy naming this node and the item position.
 *
 * @example
 * ```ts
 * graph().source('orders', src).node('byUser', keyPartition((o: Order) => o.userId, 4)) // ports out0…out3
 * ```
 * @see {@link partitionOf}, {@link groupBy}, {@link roundRobin}
 */
export function keyPartition<T, K, const B extends number | readonly string[]>(
  key: (item: T) => K,
  branches: B,
  options?: NodeOptions,
): MultiPortTransformer<{ in: T }, FanOutPorts<T, B>> {
  requireFunction('keyPartition', 'key', key);
  const ports = portNames('keyPartition', branches as number | readonly string[]);
  const keyOf = requireKeyOf(key);
  return defineFanOut<T, FanOutPorts<T, B>>('keyPartition', { key, branches: ports, hash: 'fnv1a-32' }, ports, options, (tools, ctx) => ({
    item(value, position) {
      const k = guard(ctx, tools.failSink, value, position, () => keyOf(value));
      if (k === failed) return;
      ctx.stats.out++;
      tools.emit(partitionOf(k, ports.length), value);
    },
  }));
}
