/** Fault injection: a sink that takes time per item, to exercise backpressure. */
import { type Clock, type Consumer, defineConsumer, InvalidArgumentError, type NodeOptions } from '@streamweave/core';

/** Options of {@link slowConsumer}. */
export interface SlowConsumerOptions extends NodeOptions {
  /** Clock to wait on (default: the run's clock). */
  readonly clock?: Clock;
  /** Called when the sink starts on an item (with its position), to observe progress. */
  readonly onItem?: (value: unknown, position: number) => void;
}

/**
 * A consumer that spends `delayMs` (on the clock) on each item before taking the
 * next, collecting the items. While it works it holds backpressure credit, so a
 * fast source must slow down: pair it with a `VirtualClock` and a small
 * `creditWindow` to assert memory stays bounded.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const run = pipeline().from(range(0, 3)).to(slowConsumer(100)).run({ clock });
 * await clock.advanceBy(300);
 * (await run).result; // [0, 1, 2]
 * ```
 * The second argument may also be the clock itself: `slowConsumer(100, clock)`.
 *
 * @see {@link failAt}, {@link collectElements}
 */
export function slowConsumer<T>(delayMs: number, clockOrOptions: Clock | SlowConsumerOptions = {}): Consumer<T, T[]> {
  const options: SlowConsumerOptions = isClock(clockOrOptions) ? { clock: clockOrOptions } : clockOrOptions;
  if (!(typeof delayMs === 'number' && delayMs >= 0 && Number.isFinite(delayMs))) {
    throw new InvalidArgumentError(`slowConsumer: \`delayMs\` must be a non-negative finite number, got ${String(delayMs)}`);
  }
  return defineConsumer<T, T[]>('slowConsumer', { delayMs }, options, (ctx) => {
    const clock = options.clock ?? ctx.clock;
    const items: T[] = [];
    return {
      item(value, position) {
        options.onItem?.(value, position);
        return new Promise<void>((resolve) => {
          clock.schedule(() => {
            items.push(value as T);
            resolve();
          }, delayMs);
        });
      },
      complete: () => items,
    };
  });
}

function isClock(value: unknown): value is Clock {
  return typeof (value as Clock | null)?.now === 'function' && typeof (value as Clock).schedule === 'function';
}
