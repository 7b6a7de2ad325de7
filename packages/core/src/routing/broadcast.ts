import type { NodeOptions } from '../contracts.js';
import { InvalidArgumentError, StreamWeaveError } from '../errors.js';
import type { MultiPortTransformer } from '../graph/model.js';
import { type Element, isSignal } from '../signals.js';
import { BranchPool } from './internal/branchPool.js';
import { defineFanOut, portNames } from './internal/ports.js';
import type { FanOutPorts } from './roundRobin.js';

/** What a broadcast branch with its own buffer does when the buffer is full. */
export type BroadcastOverflow = 'dropOldest' | 'dropNewest' | 'error';

/** Options of {@link broadcast}. */
export interface BroadcastOptions extends NodeOptions {
  /**
   * Absent (default): a slow branch backpressures all (every branch's holds count against the source).
   * Given: each branch is decoupled from the source, with at most `size` items in flight downstream
   * of it plus at most `size` waiting here; when full, `overflow` decides (drops are counted as skipped).
   */
  readonly buffer?: { readonly size: number; readonly overflow: BroadcastOverflow };
}

/**
 * Fan-out of every item to every branch. By default the slowest branch paces
 * the source (nothing is lost, memory bounded by the credit window). With
 * `buffer`, each branch is decoupled by its own bounded buffer: a slow branch
 * then loses items by its overflow policy instead of slowing the others
 * (`error` fails the run naming this node). Signals reach every branch in order
 * (behind that branch's buffered items).
 *
 * @example
 * ```ts
 * graph().source('ticks', src).node('all', broadcast<Tick, ['store', 'dashboard']>(['store', 'dashboard'], { buffer: { size: 1000, overflow: 'dropOldest' } }))
 *   .sink('store', sqlSink).sink('dashboard', wsSink)
 *   .connect('ticks', 'all').connect('all.store', 'store').connect('all.dashboard', 'dashboard');
 * ```
 * @see {@link split}, {@link roundRobin}
 */
export function broadcast<T, const B extends number | readonly string[]>(branches: B, options: BroadcastOptions = {}): MultiPortTransformer<{ in: T }, FanOutPorts<T, B>> {
  const ports = portNames('broadcast', branches as number | readonly string[]);
  const buffer = options.buffer;
  if (buffer !== undefined) {
    if (!(Number.isInteger(buffer.size) && buffer.size > 0)) throw new InvalidArgumentError(`broadcast: \`buffer.size\` must be a positive integer, got ${String(buffer.size)}`);
    if (!['dropOldest', 'dropNewest', 'error'].includes(buffer.overflow)) {
      throw new InvalidArgumentError(`broadcast: \`buffer.overflow\` must be dropOldest, dropNewest or error, got ${String(buffer.overflow)}`);
    }
  }
  return defineFanOut<T, FanOutPorts<T, B>>('broadcast', { branches: ports, buffer }, ports, options, (tools, ctx) => {
    if (!buffer) {
      return {
        item(value) {
          for (let p = 0; p < ports.length; p++) {
            ctx.stats.out++;
            tools.emit(p, value);
          }
        },
      };
    }
    let completed = false;
    const branches = ports.map((_, p) => {
      const queue: Array<Element<T>> = [];
      const pool: BranchPool = new BranchPool(false, () => drain(p));
      return { queue, pool };
    });
    const send = (p: number, el: Element<T>) => {
      if (!isSignal(el)) ctx.stats.out++;
      branches[p]!.pool.push(() => tools.emit(p, el));
    };
    const drain = (p: number) => {
      const b = branches[p]!;
      while (b.queue.length > 0 && b.pool.busy < buffer.size) send(p, b.queue.shift()!);
      if (completed && branches.every((x) => x.queue.length === 0)) tools.completeAll();
    };
    const offer = (p: number, el: Element<T>) => {
      const b = branches[p]!;
      if (b.queue.length === 0 && b.pool.busy < buffer.size) {
        send(p, el);
        return;
      }
      if (!isSignal(el) && b.queue.filter((x) => !isSignal(x)).length >= buffer.size) {
        if (buffer.overflow === 'error') {
          tools.errorAll(new StreamWeaveError(`branch "${ports[p]}" already has ${buffer.size} items waiting (overflow policy: error)`, { component: ctx.component, position: ctx.stats.in - 1 }));
          return;
        }
        ctx.stats.skipped++;
        if (buffer.overflow === 'dropNewest') return;
        const oldest = b.queue.findIndex((x) => !isSignal(x));
        if (oldest >= 0) b.queue.splice(oldest, 1);
        else return;
      }
      b.queue.push(el);
    };
    return {
      item(value) {
        for (let p = 0; p < ports.length; p++) offer(p, value);
      },
      signal(s) {
        for (let p = 0; p < ports.length; p++) offer(p, s);
      },
      complete() {
        completed = true;
        if (branches.every((x) => x.queue.length === 0)) tools.completeAll();
      },
    };
  });
}
