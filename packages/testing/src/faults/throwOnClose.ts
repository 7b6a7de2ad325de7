/** Fault injection: nodes whose clean-up/finalization fails. */
import { type Consumer, defineConsumer, defineProducer, type NodeOptions, type Producer } from '@streamweave/core';

/** A producer whose reader's `close()` throws; `closeCalls` counts how often close ran. */
export interface ThrowOnCloseProducer<T> extends Producer<T> {
  /** Number of times a reader of this producer was closed. */
  readonly closeCalls: number;
}

/** The producer form of {@link throwOnClose}. */
function throwOnCloseProducer<T>(
  items: readonly T[] = [],
  error: unknown = new Error('throwOnClose: close failed'),
  options?: NodeOptions,
): ThrowOnCloseProducer<T> {
    let closeCalls = 0;
    const p = defineProducer<T>('throwOnClose', { items: items.length }, options, () => {
      let i = 0;
      return {
        pull(emit, demand) {
          for (let n = 0; n < demand && i < items.length; n++) emit(items[i++]!);
          return i < items.length;
        },
        close() {
          closeCalls++;
          throw error;
        },
      };
    });
    return Object.defineProperty(p, 'closeCalls', { get: () => closeCalls, enumerable: true }) as ThrowOnCloseProducer<T>;
}

function throwOnCloseConsumer<T>(error: unknown = new Error('throwOnClose: close failed'), options?: NodeOptions): Consumer<T, never> {
  return defineConsumer<T, never>('throwOnClose', {}, options, () => ({
    item() {},
    complete() {
      throw error;
    },
  }));
}

/**
 * Nodes whose close fails, to check that the runtime (or your own node) neither
 * hides the run's real outcome nor skips other clean-up when closing throws.
 *
 * - `throwOnClose(items?, error?)` or `throwOnClose.producer(items?, error?)`:
 *   emits `items`, then its reader's `close()` throws `error`.
 * - `throwOnClose.consumer(error?)`: receives every item, then its finalization
 *   (the step that would flush and close a file or connection) rejects with `error`.
 *
 * @example
 * ```ts
 * const src = throwOnClose.producer([1, 2]);
 * const { result } = await pipeline().from(src).to(collect()).run(); // [1, 2]
 * src.closeCalls; // 1
 * ```
 * @see {@link failAt}, {@link flakyAsync}
 */
export const throwOnClose: {
  /** The producer (same as `throwOnClose.producer`). */
  <T>(items?: readonly T[], error?: unknown, options?: NodeOptions): ThrowOnCloseProducer<T>;
  /** A producer that emits `items`, then whose reader's `close()` throws `error`. */
  readonly producer: <T>(items?: readonly T[], error?: unknown, options?: NodeOptions) => ThrowOnCloseProducer<T>;
  /** A consumer that receives every item, then whose finalization rejects with `error`. */
  readonly consumer: <T>(error?: unknown, options?: NodeOptions) => Consumer<T, never>;
} = Object.assign(<T>(items?: readonly T[], error?: unknown, options?: NodeOptions) => throwOnCloseProducer<T>(items, error, options), {
  producer: throwOnCloseProducer,
  consumer: throwOnCloseConsumer,
});
