import { checkpointBarrier, fromObservable, map, onError, pipeline, range, StreamWeaveError, VirtualClock, type DeadLetter } from '@streamweave/core';
import { Subject } from 'rxjs';
import { scripted } from './test-support/scripted.js';
import { kafkaDeadLetter, kafkaSink, kafkaSource, kafkaTransactionalSink, type KafkaClient, type KafkaOutgoing } from './index.js';

/** An in-memory client that logs what the sinks ask of it (unit tests of the sinks' own logic). */
function fakeClient(log: string[], failSend = false): KafkaClient {
  const show = (m: readonly KafkaOutgoing[]) => m.map((x) => `${x.topic}:${String(x.value)}`).join(',');
  return {
    brokers: ['fake:9092'],
    consumer: () => Promise.reject(new Error('no consumer in this fake')),
    admin: () => Promise.reject(new Error('no admin in this fake')),
    producer: async (cfg) => {
      log.push(`producer ${JSON.stringify(cfg)}`);
      return {
        async send(m, compression) {
          if (failSend) throw new Error('broker said no');
          log.push(`send[${compression}] ${show(m)}`);
        },
        async transaction() {
          log.push('begin');
          return {
            send: async (m) => void log.push(`txn.send ${show(m)}`),
            sendOffsets: async (g, o) => void log.push(`txn.offsets ${g} ${JSON.stringify(o)}`),
            commit: async () => void log.push('commit'),
            abort: async () => void log.push('abort'),
          };
        },
        close: async () => void log.push('close'),
      };
    },
  };
}


const settle = () => new Promise((r) => setTimeout(r, 50));

describe('kafkaSink', () => {
  it('batches, flushes at barriers and at the end, and reports each flush to a checkpoint coordinator', async () => {
    const log: string[] = [];
    const snapshots: Array<[string, number | 'end', unknown]> = [];
    const registered: string[] = [];
    const runtime = {
      register: (p: { id: string; type: string }) => registered.push(`${p.id}/${p.type}`),
      snapshotTaken: (id: string, cp: number | 'end', s: Promise<unknown>) => void s.then((v) => snapshots.push([id, cp, v])),
    };
    const { result } = await pipeline()
      .from(scripted(['a', 'b', 'c', checkpointBarrier(1, 0), 'd']))
      .to(kafkaSink({ client: fakeClient(log), topic: 't', batchSize: 2, name: 'out' }))
      .run({ extensions: { '@streamweave/state': runtime } });
    await settle();
    expect(result).toEqual({ records: 4, batches: 3 });
    expect(log).toEqual(['producer {"idempotent":true}', 'send[gzip] t:a,t:b', 'send[gzip] t:c', 'send[gzip] t:d', 'close']);
    expect(registered).toEqual(['out/kafkaSink']);
    expect(snapshots).toEqual([
      ['out', 1, []],
      ['out', 'end', []],
    ]);
  });

  it('sends a batch that is not full after lingerMs (a slow stream is not held until a barrier)', async () => {
    const log: string[] = [];
    const clock = new VirtualClock(0);
    const input = new Subject<string>();
    const run = pipeline()
      .from(fromObservable(input))
      .to(kafkaSink({ client: fakeClient(log), topic: 't', batchSize: 100, lingerMs: 20, compression: 'none' }))
      .run({ clock });
    await clock.advanceBy(0);
    input.next('a');
    input.next('b');
    await clock.advanceBy(19);
    await settle();
    expect(log.filter((l) => l.startsWith('send'))).toEqual([]);
    await clock.advanceBy(1);
    await settle();
    expect(log.filter((l) => l.startsWith('send'))).toEqual(['send[none] t:a,t:b']);
    input.next('c');
    input.complete();
    await clock.advanceBy(0);
    expect(await run).toMatchObject({ result: { records: 3, batches: 2 } });
    expect(() => kafkaSink({ client: fakeClient([]), topic: 't', lingerMs: -1 })).toThrow('kafkaSink: `lingerMs` must be a non-negative number of ms, got -1');
  });

  it('a batch larger than the credit window still goes out (records hold credit until their batch is sent)', async () => {
    const log: string[] = [];
    const { result } = await pipeline()
      .from(range(0, 50))
      .to(kafkaSink({ client: fakeClient(log), topic: 't', batchSize: 40, compression: 'none' }))
      .run({ creditWindow: 8 });
    expect(result).toEqual({ records: 50, batches: 7 });
  });

  it('keeps filling the open batch while a request is in flight, so a credit window of two batches sends only full batches', async () => {
    // Closing the open batch at lingerMs while the previous request was in flight sent a small
    // batch every round trip (the credit window minus the batches already in the sink).
    const sizes: number[] = [];
    const client = fakeClient([]);
    const producer = client.producer;
    client.producer = async (cfg) => {
      const p = await producer(cfg);
      return { ...p, send: (m) => (sizes.push(m.length), new Promise((r) => setTimeout(r, 20))) };
    };
    const { result } = await pipeline()
      .from(range(0, 40))
      .to(kafkaSink({ client, topic: 't', batchSize: 4, lingerMs: 1 }))
      .run({ creditWindow: 10 });
    expect(result).toEqual({ records: 40, batches: 10 });
    expect(sizes).toEqual(Array.from({ length: 10 }, () => 4));
  });

  it('keeps at most creditWindow + batchSize records while the broker does not answer', async () => {
    let taken = 0;
    let answer!: () => void;
    const answered = new Promise<void>((r) => (answer = r));
    const client = fakeClient([]);
    const producer = client.producer;
    client.producer = async (cfg) => {
      const p = await producer(cfg);
      return { ...p, send: () => answered };
    };
    const run = pipeline()
      .from(range(0, 1000))
      .to(kafkaSink({ client, topic: 't', batchSize: 4, lingerMs: 1, toRecord: (n: number) => (taken++, { value: String(n) }) }))
      .run({ creditWindow: 10 });
    await settle();
    // One batch in flight (its credit returned when it was handed to the producer), ten records holding credit.
    expect(taken).toBe(14);
    answer();
    expect(await run).toMatchObject({ result: { records: 1000 } });
  });

  it('connects while the source starts; a failed connection fails the run at the first flush, naming the brokers', async () => {
    const client: KafkaClient = { ...fakeClient([]), producer: () => Promise.reject(new Error('ECONNREFUSED')) };
    await expect(pipeline().from(scripted(['a'])).to(kafkaSink({ client, topic: 't' })).run()).rejects.toThrow(
      '[kafkaSink "kafkaSink"] kafkaSink: cannot connect to Kafka at fake:9092: ECONNREFUSED',
    );
  });

  it('a send that fails after lingerMs fails the run at the next record', async () => {
    const input = new Subject<string>();
    const run = pipeline()
      .from(fromObservable(input))
      .to(kafkaSink({ client: fakeClient([], true), topic: 't', lingerMs: 1 }))
      .run();
    input.next('a');
    await settle();
    input.next('b');
    await expect(run).rejects.toThrow('[kafkaSink "kafkaSink"] kafkaSink: producing 1 records failed: broker said no');
  });

  it('fails the run with the send error, naming the sink', async () => {
    const log: string[] = [];
    await expect(
      pipeline().from(scripted(['a', checkpointBarrier(1, 0)])).to(kafkaSink({ client: fakeClient(log, true), topic: 't', compression: 'none' })).run(),
    ).rejects.toThrow('[kafkaSink "kafkaSink"] kafkaSink: producing 1 records failed: broker said no');
  });
});

describe('kafkaTransactionalSink', () => {
  const offsetsSource = () => kafkaSource({ client: fakeClient([]), topics: ['in'], groupId: 'g' });

  it('commits one transaction per epoch and skips empty epochs', async () => {
    const log: string[] = [];
    const snapshots: Array<number | 'end'> = [];
    const { result } = await pipeline()
      .from(scripted(['a', 'b', 'c', checkpointBarrier(1, 0), checkpointBarrier(2, 0), 'd']))
      .to(kafkaTransactionalSink({ client: fakeClient(log), topic: 'out', source: offsetsSource(), transactionalId: 'tx', batchSize: 2 }))
      .run({ extensions: { '@streamweave/state': { register: () => undefined, snapshotTaken: (_: string, cp: number | 'end') => snapshots.push(cp) } } });
    await settle();
    expect(result).toEqual({ records: 4, transactions: 2 });
    expect(log).toEqual([
      'producer {"transactionalId":"tx"}',
      'begin',
      'txn.send out:a,out:b',
      'txn.send out:c',
      'commit',
      'begin',
      'txn.send out:d',
      'commit',
      'close',
    ]);
    expect(snapshots).toEqual([1, 2, 'end']);
  });

  it('aborts the open transaction when the run fails', async () => {
    const log: string[] = [];
    await expect(
      pipeline()
        .from(scripted(['a', 'b', 'c']))
        .pipe(
          map((s: string) => {
            if (s === 'c') throw new Error('boom');
            return s;
          }),
        )
        .to(kafkaTransactionalSink({ client: fakeClient(log), topic: 'out', source: offsetsSource(), transactionalId: 'tx', batchSize: 1 }))
        .run(),
    ).rejects.toThrow('boom');
    await settle();
    expect(log).toEqual(['producer {"transactionalId":"tx"}', 'begin', 'txn.send out:a', 'txn.send out:b', 'abort', 'close']);
  });
});

describe('kafkaDeadLetter', () => {
  it('writes items that are not Kafka records as JSON with the error headers', async () => {
    const log: string[] = [];
    const sent: KafkaOutgoing[] = [];
    const client = fakeClient(log);
    const producer = client.producer;
    client.producer = async (cfg) => {
      const p = await producer(cfg);
      return { ...p, send: async (m, c) => (sent.push(...m), p.send(m, c)) };
    };
    const { deadLetter } = await pipeline()
      .from(scripted([1, 2]))
      .pipe(
        map((n: number) => {
          if (n === 2) throw new Error('even');
          return n;
        }),
      )
      .to(kafkaSink({ client: fakeClient([]), topic: 'x' }))
      .run({ errors: onError.deadLetter(), deadLetter: kafkaDeadLetter('dlq', { client }) });
    expect(deadLetter).toEqual({ records: 1 });
    expect(sent).toEqual([
      {
        topic: 'dlq',
        key: null,
        value: '2',
        headers: { 'streamweave.error': expect.stringContaining('even') as string, 'streamweave.component': 'map:map', 'streamweave.position': '1' },
      },
    ]);
  });

  it('fails with the address when it cannot connect', async () => {
    const client: KafkaClient = { ...fakeClient([]), producer: () => Promise.reject(new Error('ECONNREFUSED')) };
    const letter: DeadLetter = { item: 1, error: new StreamWeaveError('x') };
    await expect(pipeline().from(scripted([letter])).to(kafkaDeadLetter('dlq', { client })).run()).rejects.toThrow(
      'kafkaDeadLetter: cannot connect to Kafka at fake:9092: ECONNREFUSED',
    );
  });
});
