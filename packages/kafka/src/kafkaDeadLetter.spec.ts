import { checkpointBarrier, collect, map, onError, pipeline, StreamWeaveError } from '@streamweave/core';
import { scripted } from './test-support/scripted.js';
import { kafkaDeadLetter, type KafkaClient, type KafkaOutgoing, type KafkaRecord } from './index.js';

/** A producer-only client whose sends wait for the test (`release`) or fail (`fail`). */
function manualClient() {
  const sends: Array<{ records: readonly KafkaOutgoing[]; release: () => void; fail: (e: Error) => void }> = [];
  const client: KafkaClient = {
    brokers: ['fake:9092'],
    consumer: () => Promise.reject(new Error('no consumer in this fake')),
    admin: () => Promise.reject(new Error('no admin in this fake')),
    producer: async () => ({
      send: (records) => new Promise<void>((release, fail) => void sends.push({ records, release, fail })),
      transaction: () => Promise.reject(new Error('no transactions in this fake')),
      close: async () => undefined,
    }),
  };
  return { client, sends };
}


const record = (offset: string, value: string): KafkaRecord =>
  ({ topic: 'in', partition: 0, offset, key: null, value: Buffer.from(value), headers: {}, timestamp: '0' }) as KafkaRecord;

/** Waits (polling) until the route has asked for `n` sends. */
async function sendsAsked(sends: readonly unknown[], n: number): Promise<void> {
  for (let waited = 0; sends.length < n; waited += 5) {
    if (waited > 10_000) throw new Error(`the dead-letter route asked for ${sends.length} sends, not ${n}, within 10 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const decodeOrFail = (r: KafkaRecord) => {
  if (String(r.value) === 'bad') throw new Error('cannot decode');
  return String(r.value);
};

describe('kafkaDeadLetter', () => {
  it('a barrier behind a dead letter reaches the checkpoint listener only once the dead letter is acknowledged', async () => {
    const { client, sends } = manualClient();
    const reported: number[] = [];
    const run = pipeline()
      .from(scripted<KafkaRecord>([record('0', 'ok'), record('1', 'bad'), checkpointBarrier(1, 0), record('2', 'ok')]))
      .pipe(map(decodeOrFail))
      .to(collect())
      .run({ errors: onError.deadLetter(), deadLetter: kafkaDeadLetter('dlq', { client }), checkpoints: { onSinkBarrier: (_id, b) => reported.push(b.checkpointId) } });
    await sendsAsked(sends, 1);
    expect(sends.map((s) => s.records.map((r) => String(r.value)))).toEqual([['bad']]);
    expect(reported).toEqual([]);
    sends[0]!.release();
    const { deadLetter, result } = await run;
    expect(reported).toEqual([1]);
    expect(deadLetter).toEqual({ records: 1 });
    expect(result).toEqual(['ok', 'ok']);
  });

  it('fails the run when a dead letter cannot be written, naming the failing node, its position and the source record', async () => {
    const { client, sends } = manualClient();
    const reported: number[] = [];
    const run = pipeline()
      .from(scripted<KafkaRecord>([record('0', 'bad'), checkpointBarrier(1, 0), record('1', 'ok')]))
      .pipe(map(decodeOrFail))
      .to(collect())
      .run({ errors: onError.deadLetter(), deadLetter: kafkaDeadLetter('dlq', { client }), checkpoints: { onSinkBarrier: (_id, b) => reported.push(b.checkpointId) } });
    await sendsAsked(sends, 1);
    sends[0]!.fail(new Error('MESSAGE_TOO_LARGE'));
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamWeaveError);
    const e = error as StreamWeaveError;
    expect(e.component).toEqual({ id: '$deadLetter', type: 'kafkaDeadLetter' });
    expect(e.position).toBe(0);
    expect(e.message).toContain('kafkaDeadLetter: writing the dead letter of map:map at position 0 (record in/0@0) to topic dlq failed');
    expect((e.cause as Error).message).toBe('MESSAGE_TOO_LARGE');
    expect(reported).toEqual([]);
  });

  it('names an item that is not a consumed record without a source record', async () => {
    const { client, sends } = manualClient();
    const run = pipeline()
      .from(scripted<number>([1, 2]))
      .pipe(
        map((n: number) => {
          if (n === 2) throw new Error('even');
          return n;
        }),
      )
      .to(collect())
      .run({ errors: onError.deadLetter(), deadLetter: kafkaDeadLetter('dlq', { client }) });
    await sendsAsked(sends, 1);
    expect(sends.map((s) => s.records.map((r) => r.value))).toEqual([['2']]);
    sends[0]!.fail(new Error('broker said no'));
    await expect(run).rejects.toThrow('kafkaDeadLetter: writing the dead letter of map:map at position 1 to topic dlq failed');
  });
});
