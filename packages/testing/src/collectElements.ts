/** A consumer that keeps signals, so tests can assert where watermarks and barriers travel. */
import { type Consumer, defineConsumer, type Element, type NodeOptions } from '@streamweave/core';

/** Options of {@link collectElements}. */
export interface CollectElementsOptions<T> extends NodeOptions {
  /**
   * Array to record into, instead of a fresh one per run. The test can then read
   * what arrived so far while the run is live, or after it failed.
   */
  readonly into?: Element<T>[];
}

/**
 * Records every element that reaches the sink, data items AND control signals
 * (watermarks, checkpoint barriers, the final EndOfStream), in arrival order.
 *
 * Use it instead of core's `collect()` when a test must check that an operator
 * forwards signals in order relative to data.
 *
 * @example
 * ```ts
 * const { result } = await pipeline().from(fromArray([1, 2])).to(collectElements()).run();
 * // result: [1, 2, endOfStream]
 * ```
 * @see {@link runPipeline}, {@link runOperator}, {@link formatElements}
 */
export function collectElements<T>(options: CollectElementsOptions<T> = {}): Consumer<T, Element<T>[]> {
  return defineConsumer<T, Element<T>[]>('collectElements', {}, options, () => {
    const elements: Element<T>[] = options.into ?? [];
    return {
      item(value) {
        elements.push(value as T);
      },
      signal(signal) {
        elements.push(signal);
      },
      complete: () => elements,
    };
  });
}
