/**
 * Bounded keyed state for groupBy-style operators: at most `maxKeys` live keys
 * (least-recently-used evicted first) and optional idle expiry on the run's
 * clock. Map insertion order doubles as the LRU order: a touched key is moved
 * to the end, so the first entries are the oldest.
 */
import type { Cancel, Clock } from '../../clock.js';

interface Slot<V> {
  value: V;
  lastSeen: number;
}

/** Keyed values with LRU eviction and idle expiry. `onEvict` sees every key that leaves (not on clear). */
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

  /** The value of `key`, created with `create` when absent; marks the key used. */
  touch(key: K, create: () => V): V {
    let slot = this.map.get(key);
    const now = this.idleMs === undefined ? 0 : this.clock.now();
    if (slot) {
      // Re-insert to keep Map order = least recently used first.
      this.map.delete(key);
      slot.lastSeen = now;
      this.map.set(key, slot);
      return slot.value;
    }
    if (this.map.size >= this.maxKeys) {
      const [oldKey, oldSlot] = this.map.entries().next().value as [K, Slot<V>];
      this.map.delete(oldKey);
      this.onEvict(oldKey, oldSlot.value, 'evicted');
    }
    slot = { value: create(), lastSeen: now };
    this.map.set(key, slot);
    if (this.idleMs !== undefined && this.timerDue === Infinity) this.arm(now + this.idleMs);
    return slot.value;
  }

  /** Every (key, value), least recently used first. */
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
    for (const [key, slot] of this.map) {
      if (slot.lastSeen + idle > now) {
        this.arm(slot.lastSeen + idle);
        return;
      }
      this.map.delete(key);
      this.onEvict(key, slot.value, 'expired');
    }
  }
}
