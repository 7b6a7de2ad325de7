import { type KafkaAdminHandle, type KafkaClient, type KafkaConsumerHandlers, type KafkaRecord, readAllMessages } from './index.js';

/** A fake client for readAllMessages' own logic: end offsets and what its consumer delivers. */
function fakeClient(ends: Record<string, string>, run: (h: KafkaConsumerHandlers) => void): { client: KafkaClient; closed: string[] } {
  const closed: string[] = [];
  const admin: KafkaAdminHandle = {
    createTopic: async () => undefined,
    deleteTopic: async () => undefined,
    endOffsets: async () => ends,
    groupOffsets: async () => ({}),
    setGroupOffsets: async () => undefined,
    close: async () => void closed.push('admin'),
  };
  const client: KafkaClient = {
    brokers: ['fake:9092'],
    admin: async () => admin,
    producer: () => Promise.reject(new Error('no producer in this fake')),
    consumer: async () => ({
      start: async (h) => run(h),
      pause: () => undefined,
      resume: () => undefined,
      seek: () => undefined,
      commit: async () => undefined,
      close: async () => void closed.push('consumer'),
    }),
  };
  return { client, closed };
}

const record = (partition: number, offset: number): KafkaRecord => ({
  topic: 't',
  partition,
  offset: String(offset),
  key: null,
  value: Buffer.from(`${partition}:${offset}`),
  headers: {},
  timestamp: '0',
});

describe('readAllMessages', () => {
  it('returns nothing for an empty topic without starting a consumer', async () => {
    const { client, closed } = fakeClient({ '0': '0' }, () => {
      throw new Error('must not start');
    });
    expect(await readAllMessages(client, 't')).toEqual([]);
    expect(closed).toEqual(['admin']);
  });

  it('reads every partition up to its end offset and sorts by partition and offset', async () => {
    const { client, closed } = fakeClient({ '0': '2', '1': '1' }, (h) => {
      h.onAssign({ t: [0, 1] });
      h.onRecords([record(1, 0)]);
      h.onRecords([record(0, 1), record(0, 0)]);
    });
    const read = await readAllMessages(client, 't');
    expect(read.map((r) => String(r.value))).toEqual(['0:0', '0:1', '1:0']);
    expect(closed).toEqual(['admin', 'consumer']);
  });

  it('ends after idleMs when the last offsets are transaction markers, and fails on a crash that will not restart', async () => {
    const idle = fakeClient({ '0': '3' }, (h) => {
      h.onAssign({ t: [0] });
      h.onRecords([record(0, 0)]); // offsets 1 and 2: a commit marker never delivered
    });
    expect((await readAllMessages(idle.client, 't', { idleMs: 150 })).length).toBe(1);
    const crashing = fakeClient({ '0': '1' }, (h) => {
      h.onCrash(new Error('retrying'), true);
      h.onCrash(new Error('gone'), false);
    });
    await expect(readAllMessages(crashing.client, 't')).rejects.toThrow('gone');
    expect(crashing.closed).toEqual(['admin', 'consumer']);
  });
});
