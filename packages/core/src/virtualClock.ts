/**
 * A clock whose time moves only when told to, for deterministic tests of
 * time-based operators and for replaying runs. No real sleeping.
 */
import type { Cancel, Clock } from './clock.js';
import { macrotask } from './internal/macrotask.js';

interface Timer {
  readonly due: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * Virtual time. `advanceBy` fires due timers in time order and lets promise
 * chains settle between them, so async stages behave as they would in real time.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const run = pipeline().from(interval(1000)).pipe(take(3)).to(collect()).run({ clock });
 * await clock.advanceBy(3000);
 * (await run).result; // [0, 1, 2]
 * ```
 * @see {@link systemClock}
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];

  /** @param start - initial time in milliseconds (default 0). */
  constructor(start = 0) {
    this.current = start;
  }

  /** Current virtual time. */
  now(): number {
    return this.current;
  }

  /** Schedules `callback` at now + delayMs. */
  schedule(callback: () => void, delayMs: number): Cancel {
    const timer: Timer = { due: this.current + Math.max(0, delayMs), seq: this.seq++, callback };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
    return () => {
      const i = this.timers.indexOf(timer);
      if (i >= 0) this.timers.splice(i, 1);
    };
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Lets pending promise chains and yielded loops run, without moving time. */
  async settle(turns = 5): Promise<void> {
    for (let i = 0; i < turns; i++) await macrotask();
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advanceBy(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  /** Moves time forward to `time`, firing every timer that falls due, in order. */
  async advanceTo(time: number): Promise<void> {
    await this.settle();
    for (;;) {
      const next = this.timers[0];
      if (!next || next.due > time) break;
      this.timers.shift();
      this.current = Math.max(this.current, next.due);
      next.callback();
      await this.settle();
    }
    this.current = Math.max(this.current, time);
    await this.settle();
  }

  /** Fires timers until none is left (or `maxTimers` fired, to stop runaway periodic timers). */
  async runAll(maxTimers = 10_000): Promise<void> {
    await this.settle();
    for (let i = 0; i < maxTimers && this.timers.length > 0; i++) {
      const next = this.timers.shift()!;
      this.current = Math.max(this.current, next.due);
      next.callback();
      await this.settle();
    }
  }
}
