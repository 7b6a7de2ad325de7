/**
 * Timers of a window operator: a min-heap of distinct times, each with the
 * windows waiting for it. Windows of many keys that end together share one heap
 * entry, so a keyed tumbling window costs one heap push per window end.
 */

/** Something with per-queue bookkeeping of the times it is queued at. */
export interface Queued {
  dead: boolean;
}

/** @internal */
export class TimerQueue<E extends Queued> {
  private readonly heap: number[] = [];
  private readonly buckets = new Map<number, E[]>();

  /** Queues `entry` at `time` (the caller makes sure it is not already queued there). */
  add(time: number, entry: E): void {
    const bucket = this.buckets.get(time);
    if (bucket) {
      bucket.push(entry);
      return;
    }
    this.buckets.set(time, [entry]);
    const h = this.heap;
    let i = h.length;
    h.push(time);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]! <= time) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = time;
  }

  /** Earliest queued time, or Infinity. */
  peek(): number {
    return this.heap.length > 0 ? this.heap[0]! : Infinity;
  }

  /** Removes and returns the earliest time's entries. */
  pop(): { time: number; entries: E[] } {
    const h = this.heap;
    const time = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && h[r]! < h[l]! ? r : l;
        if (h[c]! >= last) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    const entries = this.buckets.get(time)!;
    this.buckets.delete(time);
    return { time, entries };
  }

  /** Number of distinct queued times. */
  get size(): number {
    return this.heap.length;
  }

  /** Queued times in ascending order, each with its entries in queue order (for checkpoints). */
  ordered(): Array<[number, E[]]> {
    return [...this.buckets].sort((a, b) => a[0] - b[0]);
  }

  clear(): void {
    this.heap.length = 0;
    this.buckets.clear();
  }
}
