import { type Consumer, defineConsumer, InvalidArgumentError, type NodeOptions } from '@streamweave/core';

/** Options of {@link idempotentSink}. */
export interface IdempotentSinkOptions<T> extends NodeOptions {
  /** The deterministic key of an item: the same input yields the same key on every replay. */
  readonly key: (item: T) => string;
  /** Writes (upserts) `item` under `key`; writing the same key twice must leave one record. */
  readonly upsert: (key: string, item: T) => void | Promise<void>;
}

/**
 * Exactly-once output without transactions: every item is upserted under a
 * deterministic key, so the records a restored run replays overwrite themselves
 * instead of duplicating. Use it for key-value stores, SQL upserts, Elasticsearch
 * document ids; use {@link twoPhaseCommitSink} when the target has no keys.
 *
 * @example
 * ```ts
 * pipeline().from(src).pipe(totals).to(idempotentSink({
 *   key: (t: Total) => `${t.account}:${t.day}`,
 *   upsert: (k, t) => redis.set(k, JSON.stringify(t)),
 * }));
 * ```
 * @see {@link deterministicKey}, {@link twoPhaseCommitSink}
 */
export function idempotentSink<T>(options: IdempotentSinkOptions<T>): Consumer<T, { written: number }> {
  if (!options || typeof options.key !== 'function' || typeof options.upsert !== 'function') {
    throw new InvalidArgumentError('idempotentSink: expected { key, upsert } functions');
  }
  return defineConsumer<T, { written: number }>('idempotentSink', { key: options.key, upsert: options.upsert }, options, () => {
    let written = 0;
    return {
      item(value) {
        const item = value as T;
        const r = options.upsert(options.key(item), item);
        if (r instanceof Promise) return r.then(() => void written++);
        written++;
      },
      complete: () => ({ written }),
    };
  });
}

/**
 * Builds a deterministic key from parts (source, partition, offset, window…): stable
 * across replays and unambiguous (parts are JSON-encoded, so `a:b`+`c` ≠ `a`+`b:c`).
 *
 * @example
 * ```ts
 * deterministicKey('orders', 3, 1042); // '["orders",3,1042]'
 * ```
 * @see {@link idempotentSink}
 */
export function deterministicKey(...parts: ReadonlyArray<string | number | boolean>): string {
  return JSON.stringify(parts);
}
