import type { Consumer, NodeOptions } from '../contracts.js';
import { defineConsumer } from '../internal/define.js';

/** Options of {@link toConsole}. */
export interface ToConsoleOptions<T> extends NodeOptions {
  /** Formats an item (default: the item itself, passed to console.log). */
  readonly format?: (item: T, position: number) => unknown;
  /** Prefix written before each item. */
  readonly prefix?: string;
  /** Where lines go (default: `console.log`). */
  readonly log?: (...args: unknown[]) => void;
}

/**
 * Writes every data item to the console. Resolves with the number of items written.
 *
 * @example
 * ```ts
 * await pipeline().from(range(0, 3)).to(toConsole({ prefix: 'n =' })).run();
 * ```
 * @see {@link forEach}
 */
export function toConsole<T>(options: ToConsoleOptions<T> = {}): Consumer<T, number> {
  const log = options.log ?? ((...args: unknown[]) => console.log(...args));
  return defineConsumer<T, number>('toConsole', { prefix: options.prefix }, options, () => {
    let n = 0;
    return {
      item(value, position) {
        const shown = options.format ? options.format(value as T, position) : value;
        if (options.prefix === undefined) log(shown);
        else log(options.prefix, shown);
        n++;
      },
      complete: () => n,
    };
  });
}
