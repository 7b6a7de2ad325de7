import { fromObservable, pipeline, type RunHandle, type RunOptions } from '@streamweave/core';
import { CheckpointCoordinator, memoryBackend, memoryCheckpointStorage } from '@streamweave/state';
import { Subject } from 'rxjs';
import { kafkaTransactionalSink, type KafkaClient, type KafkaOffsets } from './index.js';
import { decodeEpochs, encodeEpochs } from './internal/epochSnapshot.js';

/**
 * An in-memory broker for the sink's two-phase commit: transactions stage records and offsets
 * and apply them at commit; group offsets (the input group's and the commit marker's) are
 * readable through the admin API.
 */
function fakeBroker() {
  const log: string[] = [];
  const visible: string[] = [];
  const groups = new Map<string, Map<string, string>>();
  const broker = { log, visible, groups, failCommit: false, hangCommit: false, concurrentTransactions: 0, notCoordinator: 0 };
  const groupOffset = (g: string, topic: string, p: string) => groups.get(g)?.get(`${topic}/${p}`) ?? '-1';
  const client: KafkaClient = {
    brokers: ['fake:9092'],
    consumer: () => Promise.reject(new Error('no consumer in this fake')),
    admin: async () => ({
      createTopic: () => Promise.reject(new Error('not in this fake')),
      deleteTopic: () => Promise.reject(new Error('not in this fake')),
      endOffsets: () => Promise.reject(new Error('not in this fake')),
      setGroupOffsets: () => Promise.reject(new Error('not in this fake')),
      async groupOffsets(g, topic) {
        if (broker.notCoordinator > 0) {
          broker.notCoordinator--;
          log.push('NOT_COORDINATOR');
          throw Object.assign(new Error('This is not the correct coordinator for this group'), { type: 'NOT_COORDINATOR', retriable: true });
        }
        return { '0': groupOffset(g, topic, '0') };
      },
      close: async () => undefined,
    }),
    producer: async (cfg) => {
      log.push(`producer ${cfg.transactionalId}`);
      return {
        send: () => Promise.reject(new Error('a transactional sink sends inside transactions only')),
        async transaction() {
          const staged: string[] = [];
          const offsets: Array<[string, KafkaOffsets]> = [];
          return {
            send: async (m) => void staged.push(...m.map((r) => `${r.topic}:${String(r.key ?? '')}=${String(r.value)}`)),
            async sendOffsets(g, o) {
              if (broker.concurrentTransactions > 0) {
                broker.concurrentTransactions--;
                log.push('CONCURRENT_TRANSACTIONS');
                throw Object.assign(new Error('The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing'), {
                  type: 'CONCURRENT_TRANSACTIONS',
                });
              }
              offsets.push([g, o]);
            },
            async commit() {
              if (broker.hangCommit) return new Promise<void>(() => undefined);
              if (broker.failCommit) throw new Error('broker said no');
              visible.push(...staged);
              const shown: string[] = [];
              for (const [g, o] of offsets) {
                for (const [topic, parts] of Object.entries(o)) {
                  for (const [p, off] of Object.entries(parts)) {
                    if (!groups.has(g)) groups.set(g, new Map());
                    groups.get(g)!.set(`${topic}/${p}`, off);
                    shown.push(`${g}@${topic}/${p}=${off}`);
                  }
                }
              }
              log.push(`commit [${staged.join(' ')}] ${shown.join(' ')}`);
            },
            abort: async () => void log.push('abort'),
          };
        },
        close: async () => void log.push('close'),
      };
    },
  };
  return { broker, client, groupOffset };
}

/** A job: items pushed through a Subject → kafkaTransactionalSink; the source's position is the count of items pushed (tests let them pass the source before a barrier). */
function job(client: KafkaClient, storage = memoryCheckpointStorage(), backend = memoryBackend()) {
  const input = new Subject<string>();
  let pushed = 0;
  const source = { groupId: 'g', takeBarrierPosition: (): KafkaOffsets => ({ in: { '0': String(pushed) } }) };
  const inner = pipeline()
    .from(fromObservable(input, { name: 'in' }))
    .to(kafkaTransactionalSink<string>({ client, topic: 'out', source, transactionalId: 'tx', batchSize: 2, compression: 'none', name: 'out' }));
  return {
    storage,
    backend,
    push: (...items: string[]) => {
      pushed += items.length;
      for (const i of items) input.next(i);
    },
    end: () => input.complete(),
    /** Starts a run (a process, as far as the test is concerned); resolves once it runs (the coordinator restores first). */
    async start(options: ConstructorParameters<typeof CheckpointCoordinator>[0] = {}) {
      const run: { handle: RunHandle<unknown> | undefined } = { handle: undefined };
      const coordinator = new CheckpointCoordinator({ storage, backend, ...options });
      const result = coordinator.run({ start: (o?: RunOptions) => (run.handle = inner.start(o) as RunHandle<unknown>), describe: () => inner.describe() });
      result.catch(() => undefined);
      while (!run.handle) await tick();
      return { coordinator, result, run };
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('kafkaTransactionalSink under a CheckpointCoordinator (two-phase commit)', () => {
  it('sends nothing before the checkpoint completes, then commits the epoch, its offsets and the commit marker in one transaction', async () => {
    const { broker, client } = fakeBroker();
    const j = job(client);
    const { coordinator, result } = await j.start();
    j.push('a', 'b', 'c');
    await tick();
    expect(broker.log).toEqual(['producer tx']);
    expect(broker.visible).toEqual([]);
    await coordinator.triggerCheckpoint();
    expect(broker.log).toEqual(['producer tx', 'commit [out:=a out:=b out:=c] g@in/0=3 streamweave.commits.tx@out/0=1']);
    j.push('d');
    await tick();
    j.end();
    // The run resolves first; the last epoch commits with the final checkpoint, on a new producer.
    const done = await result;
    expect(done.result).toEqual({ records: 3, transactions: 1 });
    expect(done.completedCheckpoints).toEqual([1, 2]);
    expect(broker.log).toEqual([
      'producer tx',
      'commit [out:=a out:=b out:=c] g@in/0=3 streamweave.commits.tx@out/0=1',
      'close',
      'producer tx',
      'commit [out:=d] g@in/0=4 streamweave.commits.tx@out/0=2',
      'close',
    ]);
    expect(broker.visible).toEqual(['out:=a', 'out:=b', 'out:=c', 'out:=d']);
  });

  it('commits restored pre-committed epochs once after a crash before their commit, and skips those already committed', async () => {
    const { broker, client } = fakeBroker();
    const j = job(client);
    // Crash between checkpoint completion and the commit: the run is cancelled before the coordinator notifies the sink.
    const first = await j.start({ onCheckpointComplete: () => first.run.handle!.cancel() });
    j.push('a', 'b');
    await tick();
    await first.coordinator.triggerCheckpoint().catch(() => undefined);
    await expect(first.result).rejects.toThrow();
    await tick();
    expect(broker.visible).toEqual([]);

    const second = await j.start();
    await tick();
    expect(broker.log.filter((l) => l.startsWith('commit'))).toEqual(['commit [out:=a out:=b] g@in/0=2 streamweave.commits.tx@out/0=1']);
    // Checkpoint 2 lists the epoch of c as pre-committed; it commits, then the process dies.
    j.push('c');
    await tick();
    await second.coordinator.triggerCheckpoint();
    second.run.handle!.cancel();
    await expect(second.result).rejects.toThrow();

    // The third run restores checkpoint 2: the epoch of c is committed already (marker 2), so it is not sent again.
    const third = await j.start();
    await tick();
    j.push('e');
    await tick();
    j.end();
    await third.result;
    expect(broker.log.filter((l) => l.startsWith('commit'))).toEqual([
      'commit [out:=a out:=b] g@in/0=2 streamweave.commits.tx@out/0=1',
      'commit [out:=c] g@in/0=3 streamweave.commits.tx@out/0=2',
      'commit [out:=e] g@in/0=4 streamweave.commits.tx@out/0=3',
    ]);
    expect(broker.visible).toEqual(['out:=a', 'out:=b', 'out:=c', 'out:=e']);
  });

  it('numbers the epochs of a fresh start after the ones the commit marker says are committed, retrying a moving coordinator', async () => {
    const { broker, client, groupOffset } = fakeBroker();
    broker.groups.set('streamweave.commits.tx', new Map([['out/0', '7']]));
    // The marker's group coordinator moves twice while the sink starts.
    broker.notCoordinator = 2;
    const j = job(client);
    const { result } = await j.start();
    j.push('a');
    await tick();
    j.end();
    await result;
    expect(groupOffset('streamweave.commits.tx', 'out', '0')).toBe('8');
    expect(broker.log.slice(0, 3)).toEqual(['producer tx', 'NOT_COORDINATOR', 'NOT_COORDINATOR']);
  });

  it('waits out CONCURRENT_TRANSACTIONS when adding offsets to a transaction', async () => {
    const { broker, client } = fakeBroker();
    broker.concurrentTransactions = 2;
    const j = job(client);
    const { coordinator, result } = await j.start();
    j.push('a');
    await tick();
    await coordinator.triggerCheckpoint();
    j.end();
    await result;
    expect(broker.log.slice(0, 4)).toEqual(['producer tx', 'CONCURRENT_TRANSACTIONS', 'CONCURRENT_TRANSACTIONS', 'commit [out:=a] g@in/0=1 streamweave.commits.tx@out/0=1']);
  });

  it('fails the run at its next element when a commit fails, naming the epoch and the checkpoint', async () => {
    const { broker, client } = fakeBroker();
    const j = job(client);
    const { coordinator, result } = await j.start();
    j.push('a', 'b', 'c');
    await tick();
    broker.failCommit = true;
    await coordinator.triggerCheckpoint();
    j.push('d');
    await expect(result).rejects.toThrow('kafkaTransactionalSink: committing epoch 0 (checkpoint 1, 3 records) for checkpoint 1 failed');
    expect(broker.log).toContain('abort');
  });

  it('fails the coordinator run when the commit of the final checkpoint fails', async () => {
    const { broker, client } = fakeBroker();
    const j = job(client);
    const { result } = await j.start();
    j.push('a');
    await tick();
    broker.failCommit = true;
    j.end();
    await expect(result).rejects.toThrow('kafkaTransactionalSink: committing epoch 0 (checkpoint end, 1 records) for checkpoint 1 failed: broker said no');
  });

  it('leaves what is pre-committed to the restored run when the run is cancelled with a commit pending', async () => {
    const { broker, client } = fakeBroker();
    broker.hangCommit = true;
    const j = job(client);
    const { coordinator, result, run } = await j.start();
    j.push('a');
    await tick();
    void coordinator.triggerCheckpoint().catch(() => undefined);
    await tick();
    run.handle!.cancel();
    await expect(result).rejects.toThrow();
    expect(broker.visible).toEqual([]);
  });
});

describe('epoch snapshots', () => {
  it('round-trip strings, Buffers, nulls, headers, partitions and offsets', () => {
    const pending = [
      {
        seq: 4,
        checkpoint: 9,
        offsets: { in: { '0': '12' } },
        records: [
          { topic: 'out', key: 'k', value: 'v', headers: { h: 'x', b: Buffer.from([1, 2]) }, partition: 2 },
          { topic: 'out', key: Buffer.from('kb'), value: null },
          { topic: 'other', value: Buffer.from([0, 255]) },
        ],
      },
      { seq: 5, checkpoint: 'end' as const, offsets: undefined, records: [] },
    ];
    const decoded = decodeEpochs('test', encodeEpochs(6, pending));
    expect(decoded).toEqual({ nextSeq: 6, pending: pending.map(({ seq, checkpoint, offsets, records }) => ({ seq, checkpoint, offsets, records })) });
  });

  it('reads the empty snapshot of the barrier-commit mode as nothing pending', () => {
    expect(decodeEpochs('test', [])).toEqual({ nextSeq: 0, pending: [] });
  });

  it('rejects state it did not write, naming the component', () => {
    expect(() => decodeEpochs('sink "out"', [['x', '{}']])).toThrow('sink "out": the restored state has no "epochs" entry');
    expect(() => decodeEpochs('sink "out"', [['epochs', '{"nextSeq":"1","pending":[]}']])).toThrow('sink "out": the restored "epochs" entry is malformed');
    expect(() => decodeEpochs('sink "out"', [['epochs', '{"nextSeq":1,"pending":[{"seq":1}]}']])).toThrow('sink "out": a restored epoch is malformed');
    expect(() => decodeEpochs('sink "out"', [['epochs', '{"nextSeq":1,"pending":[{"seq":1,"checkpoint":1,"records":[{"t":"o","v":3}]}]}']])).toThrow(
      'sink "out": a restored record field must be a string, null or { b: base64 }, got 3',
    );
  });
});
