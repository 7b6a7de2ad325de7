import type { NodeOptions, Producer, ProducerContext, SourceReader } from '../contracts.js';
import { InvalidArgumentError } from '../errors.js';
import { defineProducer } from '../internal/defineProducer.js';

/**
 * Emits 0, 1, 2… every `periodMs` on the run's clock, without end (stop it with
 * `take`, drain or cancel). A slow pipeline delays ticks instead of queueing them.
 *
 * @example
 * ```ts
 * await pipeline().from(interval(1000)).pipe(take(3)).to(collect()).run(); // [0, 1, 2] after 3 s
 * ```
 * @see {@link timer}
 */
export function interval(periodMs: number, options?: NodeOptions): Producer<number> {
  if (!(typeof periodMs === 'number' && periodMs >= 0 && Number.isFinite(periodMs))) {
    throw new InvalidArgumentError(`interval: \`periodMs\` must be a non-negative finite number, got ${String(periodMs)}`);
  }
  return defineProducer<number>('interval', { periodMs }, options, (ctx) => ticker(ctx, periodMs, periodMs, Infinity));
}

/**
 * Emits 0 after `dueMs`, then, when `periodMs` is given, 1, 2… every `periodMs`.
 *
 * @example
 * ```ts
 * await pipeline().from(timer(500)).to(collect()).run(); // [0] after 0.5 s
 * ```
 * @see {@link interval}
 */
export function timer(dueMs: number, periodMs?: number, options?: NodeOptions): Producer<number> {
  if (!(typeof dueMs === 'number' && dueMs >= 0 && Number.isFinite(dueMs))) {
    throw new InvalidArgumentError(`timer: \`dueMs\` must be a non-negative finite number, got ${String(dueMs)}`);
  }
  if (periodMs !== undefined && !(typeof periodMs === 'number' && periodMs >= 0 && Number.isFinite(periodMs))) {
    throw new InvalidArgumentError(`timer: \`periodMs\` must be a non-negative finite number, got ${String(periodMs)}`);
  }
  return defineProducer<number>('timer', { dueMs, periodMs }, options, (ctx) =>
    ticker(ctx, dueMs, periodMs ?? 0, periodMs === undefined ? 1 : Infinity),
  );
}

function ticker(ctx: ProducerContext, firstMs: number, periodMs: number, count: number): SourceReader<number> {
  let n = 0;
  let cancelTimer: (() => void) | undefined;
  let wakeOnStop: (() => void) | undefined;
  const onStop = () => {
    cancelTimer?.();
    wakeOnStop?.();
  };
  ctx.signal.addEventListener('abort', onStop, { once: true });
  return {
    pull(emit) {
      if (n >= count) return false;
      if (ctx.signal.aborted) return true;
      return new Promise<boolean>((resolve) => {
        wakeOnStop = () => resolve(true);
        cancelTimer = ctx.clock.schedule(
          () => {
            cancelTimer = undefined;
            wakeOnStop = undefined;
            emit(n++);
            resolve(n < count);
          },
          n === 0 ? firstMs : periodMs,
        );
      });
    },
    close() {
      ctx.signal.removeEventListener('abort', onStop);
      cancelTimer?.();
    },
  };
}
