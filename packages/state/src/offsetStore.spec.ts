import { collect, defineProducer, InvalidArgumentError, pipeline } from '@streamweave/core';
import { CheckpointCoordinator, memoryBackend, memoryCheckpointStorage, OffsetStore } from '@streamweave/state';

/** A two-partition source whose reader keeps its offsets in an OffsetStore. */
const partitioned = (data: Record<string, string[]>) =>
  defineProducer<string>('partitioned', {}, { name: 'src' }, () => {
    const offsets = new OffsetStore();
    return {
      position: () => offsets.toPosition(),
      seek: (p) => offsets.restore(p),
      pull(emit) {
        for (const [partition, items] of Object.entries(data)) {
          const at = (offsets.get(partition) as number | undefined) ?? 0;
          if (at < items.length) {
            emit(items[at]!);
            offsets.put(partition, at + 1);
            return true;
          }
        }
        return false;
      },
    };
  });

describe('OffsetStore', () => {
  it('gets, puts, lists and round-trips offsets as a position', () => {
    const s = new OffsetStore();
    expect(s.get('p0')).toBeUndefined();
    s.put('p1', 7);
    s.put('p0', { lsn: '0/16B3748' });
    expect(s.partitions()).toEqual(['p0', 'p1']);
    const copy = new OffsetStore();
    copy.restore(s.toPosition());
    expect(copy.toPosition()).toEqual({ p0: { lsn: '0/16B3748' }, p1: 7 });
    expect(() => copy.restore([1])).toThrow(new InvalidArgumentError('OffsetStore.restore: expected an object of partition offsets, got [1]'));
    expect(() => copy.put(3 as never, 1)).toThrow('OffsetStore.put: partition must be a string, got number');
  });

  it('is stored with the checkpoint and resumes every partition on restore', async () => {
    const backend = memoryBackend();
    const storage = memoryCheckpointStorage();
    const { keyedCount } = await import('@streamweave/state');
    const job = (data: Record<string, string[]>) => pipeline().from(partitioned(data)).pipe(keyedCount({ keyBy: (x: string) => x[0]!, name: 'count' })).to(collect());
    await new CheckpointCoordinator({ backend, storage }).run(job({ p0: ['a1', 'a2'], p1: ['b1'] }));
    expect((await storage.load(1)).positions).toEqual({ src: { p0: 2, p1: 1 } });
    const more = await new CheckpointCoordinator({ backend, storage }).run(job({ p0: ['a1', 'a2', 'a3'], p1: ['b1', 'b2'] }));
    expect(more.result).toEqual([
      { key: 'a', count: 3 },
      { key: 'b', count: 2 },
    ]);
  });
});
