import { collect, fromArray, fromObservable, InvalidArgumentError, pipeline, VirtualClock } from '@streamweave/core';
import { Subject } from 'rxjs';
import { CheckpointCoordinator, deduplicate, memoryBackend, memoryCheckpointStorage } from '@streamweave/state';

type Msg = { id: string; body: string };

describe('deduplicate', () => {
  it('passes the first item of each id and drops redeliveries', async () => {
    const msgs: Msg[] = [
      { id: 'm1', body: 'a' },
      { id: 'm2', body: 'b' },
      { id: 'm1', body: 'a again' },
      { id: 'm3', body: 'c' },
      { id: 'm2', body: 'b again' },
    ];
    const { result, stats } = await pipeline()
      .from(fromArray(msgs))
      .pipe(deduplicate({ id: (m: Msg) => m.id, ttlMs: 60_000, name: 'dedup' }))
      .to(collect())
      .run();
    expect(result.map((m) => m.body)).toEqual(['a', 'b', 'c']);
    expect(stats['dedup']).toEqual({ in: 5, out: 3, errors: 0, skipped: 0 });
  });

  it('forgets ids after ttlMs of processing time', async () => {
    const clock = new VirtualClock(0);
    const subject = new Subject<string>();
    const handle = pipeline().from(fromObservable(subject)).pipe(deduplicate({ id: (x: string) => x, ttlMs: 100 })).to(collect()).start({ clock });
    await clock.advanceBy(1);
    subject.next('x');
    subject.next('x');
    await clock.advanceBy(150);
    subject.next('x');
    subject.complete();
    expect((await handle.result).result).toEqual(['x', 'x']);
  });

  it('keeps its seen-set across a restore', async () => {
    const backend = memoryBackend();
    const storage = memoryCheckpointStorage();
    const job = (items: string[]) => pipeline().from(fromArray(items, { name: 'src' })).pipe(deduplicate({ id: (x: string) => x.split('#')[0]!, ttlMs: 60_000, name: 'dedup' })).to(collect());
    await new CheckpointCoordinator({ backend, storage }).run(job(['a#1', 'b#1']));
    const second = await new CheckpointCoordinator({ backend, storage }).run(job(['a#1', 'b#1', 'a#2', 'c#1']));
    expect(second.result).toEqual(['c#1']);
  });

  it('rejects bad options', () => {
    expect(() => deduplicate({} as never)).toThrow(new InvalidArgumentError('deduplicate: `id` must be a function'));
    expect(() => deduplicate({ id: (x: string) => x, ttlMs: 0 })).toThrow('deduplicate: ttlMs must be a positive number, got 0');
  });
});
