import { InvalidArgumentError, type JsonValue } from '@streamweave/core';

/**
 * Offsets of a partitioned source (Kafka partitions, Redis stream keys, file
 * splits), kept by the source's reader and stored with each checkpoint: the
 * reader returns `toPosition()` from `position()` and calls `restore()` from
 * `seek()`, so the coordinator records the offsets at every barrier and a
 * restored run resumes each partition where the checkpoint left it.
 *
 * @example
 * ```ts
 * const offsets = new OffsetStore();
 * const reader = {
 *   position: () => offsets.toPosition(),
 *   seek: (p) => offsets.restore(p),
 *   pull(emit, demand) { const from = offsets.get('p0') ?? 0; ... offsets.put('p0', next); },
 * };
 * ```
 * @see {@link CheckpointCoordinator}
 */
export class OffsetStore {
  private readonly offsets = new Map<string, JsonValue>();

  /** The offset of `partition`, or `undefined` when none was recorded. */
  get(partition: string): JsonValue | undefined {
    return this.offsets.get(partition);
  }

  /** Records the offset after the last item emitted from `partition`. */
  put(partition: string, offset: JsonValue): void {
    if (typeof partition !== 'string') throw new InvalidArgumentError(`OffsetStore.put: partition must be a string, got ${typeof partition}`);
    this.offsets.set(partition, offset);
  }

  /** Partitions with a recorded offset. */
  partitions(): string[] {
    return [...this.offsets.keys()].sort();
  }

  /** Every offset as plain data: what a replayable reader returns from `position()`. */
  toPosition(): JsonValue {
    const out: Record<string, JsonValue> = {};
    for (const p of this.partitions()) out[p] = this.offsets.get(p)!;
    return out;
  }

  /** Replaces every offset with those of a recorded position (from `seek()`). */
  restore(position: JsonValue): void {
    if (typeof position !== 'object' || position === null || Array.isArray(position)) {
      throw new InvalidArgumentError(`OffsetStore.restore: expected an object of partition offsets, got ${JSON.stringify(position)}`);
    }
    this.offsets.clear();
    for (const [p, o] of Object.entries(position)) this.offsets.set(p, o);
  }
}
