/**
 * Bounded keyed state for groupBy-style operators: at most `maxKeys` live keys
 * and optional idle expiry on the run's clock. Eviction uses the CLOCK
 * (second-chance) approximation of least-recently-used: a touch only sets a
 * flag, which keeps the per-item cost at one Map lookup; the eviction scan in
 * insertion order gives used keys a second chance (moving them to the end).
 */
import type { Cancel, Clock } from '../../clock.js';

interface Slot<V> {
  value: V;
  lastSeen: number;
  used: boolean;
}

/** Keyed values with CLOCK eviction and idle expiry. `onEvict` sees every key that leaves (not on clear). */
export class KeyTable<K, V> {
  private readonly map = new Map<K, Slot<V>>();
  private cancelTimer: Cancel | undefined;
  private timerDue = Infinity;

  constructor(
    private readonly maxKeys: number,
    private readonly idleMs: number | undefined,
    private readonly clock: Clock,
    private readonly onEvict: (key: K, value: V, reason: 'evicted' | 'expired') => void,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** The value of `key` (marking it used), or undefined when absent. The hot path: no allocation. */
  get(key: K): V | undefined {
    const slot = this.map.get(key);
    if (slot === undefined) return undefined;
    slot.used = true;
    if (this.idleMs !== undefined) slot.lastSeen = this.clock.now();
    return slot.value;
  }

  /** The value of `key`, created with `create` when absent; marks the key used. */
  touch(key: K, create: () => V): V {
    let slot = this.map.get(key);
    if (slot) {
      slot.used = true;
      if (this.idleMs !== undefined) slot.lastSeen = this.clock.now();
      return slot.value;
    }
    if (this.map.size >= this.maxKeys) this.evictOne();
    const now = this.idleMs === undefined ? 0 : this.clock.now();
    slot = { value: create(), lastSeen: now, used: false };
    this.map.set(key, slot);
    if (this.idleMs !== undefined && this.timerDue === Infinity) this.arm(now + this.idleMs);
    return slot.value;
  }

  /** Every (key, value), in eviction order. */
  entries(): Array<[K, V]> {
    return [...this.map].map(([k, s]) => [k, s.value]);
  }

  /** Removes every key without calling `onEvict`. */
  clear(): void {
    this.map.clear();
    this.stop();
  }

  /** Cancels the expiry timer. */
  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.timerDue = Infinity;
  }

  private evictOne(): void {
    // A used key gets a second chance: its flag is cleared and it moves to the end, so the scan ends.
    for (const [key, slot] of this.map) {
      this.map.delete(key);
      if (slot.used) {
        slot.used = false;
        this.map.set(key, slot);
        continue;
      }
      this.onEvict(key, slot.value, 'evicted');
      return;
    }
  }

  private arm(due: number): void {
    this.cancelTimer?.();
    this.timerDue = due;
    this.cancelTimer = this.clock.schedule(() => this.expire(), due - this.clock.now());
  }

  private expire(): void {
    this.cancelTimer = undefined;
    this.timerDue = Infinity;
    const idle = this.idleMs!;
    const now = this.clock.now();
    let next = Infinity;
    for (const [key, slot] of this.map) {
      const due = slot.lastSeen + idle;
      if (due > now) {
        if (due < next) next = due;
        continue;
      }
      this.map.delete(key);
      this.onEvict(key, slot.value, 'expired');
    }
    if (next !== Infinity) this.arm(next);
  }
}
