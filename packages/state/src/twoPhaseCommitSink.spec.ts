import { fromArray, fromObservable, pipeline, rateLimit, VirtualClock } from '@streamweave/core';
import { Subject } from 'rxjs';
import { CheckpointCoordinator, memoryBackend, memoryCheckpointStorage, transactionalSink, type TwoPhaseCommitHandler } from '@streamweave/state';

/** An in-memory transactional target that logs every call. */
function target(opts: { asyncBegin?: boolean; failWriteOn?: string } = {}) {
  const staged = new Map<number, string[]>();
  const published: string[] = [];
  const log: string[] = [];
  const handler: TwoPhaseCommitHandler<string, number> = {
    beginTransaction(seq) {
      log.push(`begin ${seq}`);
      staged.set(seq, []);
      return opts.asyncBegin ? Promise.resolve(seq) : seq;
    },
    write(seq, x) {
      if (x === opts.failWriteOn) throw new Error(`cannot write ${x}`);
      staged.get(seq)!.push(x);
    },
    async preCommit(seq) {
      log.push(`preCommit ${seq}`);
    },
    commit(seq) {
      log.push(`commit ${seq}`);
      published.push(...(staged.get(seq) ?? []));
      staged.delete(seq);
    },
    abort(seq) {
      log.push(`abort ${seq}`);
      staged.delete(seq);
    },
    recover(nextSeq) {
      log.push(`recover ${nextSeq}`);
    },
  };
  return { handler, published, log, staged };
}

describe('transactionalSink / twoPhaseCommitSink', () => {
  it('publishes a transaction only once its checkpoint is complete', async () => {
    const clock = new VirtualClock(0);
    const t = target({ asyncBegin: true });
    const coordinator = new CheckpointCoordinator({ clock, backend: memoryBackend(), storage: memoryCheckpointStorage() });
    const job = pipeline()
      .from(fromArray(['a', 'b', 'c', 'd'], { name: 'src' }))
      .pipe(rateLimit({ perSecond: 10, burst: 1 }))
      .to(transactionalSink(t.handler, { name: 'out' }));
    const run = coordinator.run(job, { runOptions: { clock, creditWindow: 1 } });
    await clock.advanceBy(150);
    expect(t.published).toEqual([]);
    const cp = coordinator.triggerCheckpoint();
    for (let i = 0; i < 10; i++) await clock.advanceBy(10);
    await cp;
    // 'c' had already left the source (held by the rate limiter) when the barrier was injected.
    expect(t.published).toEqual(['a', 'b', 'c']);
    for (let i = 0; i < 50; i++) await clock.advanceBy(10);
    expect((await run).result).toEqual({ records: 4, transactions: 2 });
    expect(t.published).toEqual(['a', 'b', 'c', 'd']);
    expect(t.log).toEqual(['recover 0', 'begin 0', 'preCommit 0', 'commit 0', 'begin 1', 'preCommit 1', 'commit 1']);
  });

  it('re-commits the restored transactions and recovers from the checkpoint sequence', async () => {
    const backend = memoryBackend();
    const storage = memoryCheckpointStorage();
    const first = target();
    await new CheckpointCoordinator({ backend, storage }).run(pipeline().from(fromArray(['a'], { name: 'src' })).to(transactionalSink(first.handler, { name: 'out' })));
    const second = target();
    const r = await new CheckpointCoordinator({ backend, storage }).run(pipeline().from(fromArray(['a', 'b'], { name: 'src' })).to(transactionalSink(() => second.handler, { name: 'out' })));
    expect(r.result).toEqual({ records: 1, transactions: 1 });
    expect(second.log).toEqual(['commit 0', 'recover 1', 'begin 1', 'preCommit 1', 'commit 1']);
  });

  it('without a coordinator commits at end of input', async () => {
    const t = target();
    const { result } = await pipeline().from(fromArray(['x', 'y'])).to(transactionalSink(t.handler)).run();
    expect(result).toEqual({ records: 2, transactions: 1 });
    expect(t.published).toEqual(['x', 'y']);
  });

  it('aborts the open transaction when a write fails, and names the sink', async () => {
    const t = target({ failWriteOn: 'b' });
    await expect(pipeline().from(fromArray(['a', 'b'])).to(transactionalSink(t.handler, { name: 'out' })).run()).rejects.toThrow(
      '[transactionalSink "out"] two-phase-commit sink failed: cannot write b',
    );
    await new Promise((r) => setTimeout(r, 0));
    expect(t.log).toEqual(['begin 0', 'abort 0']);
    expect(t.published).toEqual([]);
  });

  it('aborts the open transaction when the run is cancelled', async () => {
    const t = target();
    const subject = new Subject<string>();
    const controller = new AbortController();
    const run = pipeline().from(fromObservable(subject)).to(transactionalSink(t.handler)).run({ signal: controller.signal });
    await new Promise((r) => setTimeout(r, 5));
    subject.next('a');
    await new Promise((r) => setTimeout(r, 5));
    controller.abort('stop');
    await expect(run).rejects.toThrow('pipeline run was cancelled');
    await new Promise((r) => setTimeout(r, 0));
    expect(t.log).toEqual(['begin 0', 'abort 0']);
  });
});
