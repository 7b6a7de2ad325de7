/**
 * mqttSource's write-ahead journal in process, against the real Mosquitto: what is journaled,
 * what a restored (or unrestored) run replays, what a completed checkpoint deletes, and the
 * errors. The SIGKILL test is `journal.chaos.integration.spec.ts`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointBarrier, forEach, onError, type JsonValue, PipelineAbortedError, pipeline, type RunOptions } from '@streamweave/core';
import mqtt from 'mqtt';
import { mqttSource, type MqttMessage, type MqttSourceOptions } from './index.js';
import { brokerUp, pub, until, url } from './test-support/services.js';

jest.setTimeout(30_000);

const up = brokerUp();

(up ? describe : describe.skip)('mqttSource write-ahead journal (real Mosquitto)', () => {
  let dir: string;
  let clientId: string;
  let topic: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mqttjournal-spec-'));
    const tag = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    clientId = `mqttjournal-spec-${tag}`;
    topic = `mqttjournal-spec/${tag}`;
    // The persistent session exists before anything is published, so the broker queues for it.
    const c = await mqtt.connectAsync(url, { clientId, clean: false, reconnectPeriod: 0 });
    await c.subscribeAsync(topic, { qos: 1 });
    await c.endAsync();
  });
  afterEach(async () => {
    const c = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0 });
    await c.endAsync();
    rmSync(dir, { recursive: true, force: true });
  });

  const journalDir = () => join(dir, clientId);
  const segments = () => readdirSync(journalDir()).sort();
  const source = (extra: Partial<MqttSourceOptions<string>> = {}) => mqttSource<string>({ url, topics: topic, qos: 1, clientId, name: 'in', journal: { dir }, ...extra });

  /** Runs until `count` items arrived (after `publish`), then drains; returns the payloads and the end position. */
  async function run(src: ReturnType<typeof source>, count: number, opts: { restore?: JsonValue; publish?: string[]; during?: (seen: string[], h: { barrier(): void }) => Promise<void> } = {}) {
    const seen: string[] = [];
    const barriers: JsonValue[] = [];
    let end: JsonValue | undefined;
    const runOptions: RunOptions = {
      ...(opts.restore === undefined ? {} : { restore: { positions: { in: opts.restore } } }),
      checkpoints: {
        onSourceBarrier: (_id, _b, p) => void barriers.push(p!),
        onSourceEnd: (_id, p) => (end = p),
      },
    };
    const handle = pipeline()
      .from(src)
      .to(forEach((m: MqttMessage<string>) => void seen.push(m.payload)))
      .start(runOptions);
    // A failing run ends the waits at once (its error is thrown below) instead of leaving them to time out.
    let settled = false;
    handle.result.then(
      () => (settled = true),
      () => (settled = true),
    );
    if (opts.publish) pub(topic, opts.publish);
    let id = 0;
    await opts.during?.(seen, { barrier: () => void handle.injectBarrier(checkpointBarrier(++id, Date.now())) });
    await until(() => settled || seen.length >= count, 10_000, `${count} items (have ${seen.length})`);
    handle.drain();
    const result = await handle.result;
    return { seen, end, barriers, result };
  }

  it('journals each QoS 1 message before acking it, rolls a segment at a barrier, replays after a restored position, then continues live', async () => {
    const first = await run(source(), 5, {
      publish: ['m0', 'm1', 'm2'],
      during: async (seen, h) => {
        await until(() => seen.length === 3, 10_000, '3 items');
        h.barrier();
        pub(topic, ['m3', 'm4']);
      },
    });
    expect(first.seen).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(first.barriers).toEqual([{ seq: 3 }]);
    expect(first.end).toEqual({ seq: 5 });
    expect(segments()).toEqual(['0000000000000001.journal', '0000000000000004.journal']);
    expect(readFileSync(join(journalDir(), '0000000000000004.journal')).includes('m3')).toBe(true);

    // Restored at seq 2: m2–m4 come from the journal (the broker has them acknowledged), then m5, m6 live.
    const second = await run(source(), 5, { restore: { seq: 2 }, publish: ['m5', 'm6'] });
    expect(second.seen).toEqual(['m2', 'm3', 'm4', 'm5', 'm6']);
    expect(second.end).toEqual({ seq: 7 });

    // No restored position: nothing confirmed any of them, so the whole journal is replayed.
    const third = await run(source(), 7);
    expect(third.seen).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);

    // A completed checkpoint deletes the segments it wholly covers (seq 1–3 at 4, then 4–5 at 5); the newest stays.
    const src = source();
    await src.commitCheckpoint({ seq: 4 });
    await src.onCheckpointComplete(undefined);
    expect(segments()).toEqual(['0000000000000004.journal', '0000000000000006.journal']);
    await src.onCheckpointComplete({ seq: 7 });
    expect(segments()).toEqual(['0000000000000006.journal']);
    const fourth = await run(source(), 1, { restore: { seq: 6 } });
    expect(fourth.seen).toEqual(['m6']);

    // Restoring a checkpoint older than what the journal still holds would lose messages: it fails instead.
    const lost = await run(source(), 0, { restore: { seq: 2 } }).catch((e: unknown) => e as Error);
    expect(String(lost)).toContain(
      `[mqttSource "in"] write-ahead journal ${journalDir()} starts at seq 6, but the restored checkpoint needs every message after seq 2: seq 3–5 were deleted when a later checkpoint completed`,
    );
  });

  it('QoS 2: journals before the PUBREC, a restored run replays at QoS 2, and what a stopped run had not taken comes again from the broker, none lost', async () => {
    // The session's subscription at QoS 2 before anything is published, so the broker queues at QoS 2.
    const c = await mqtt.connectAsync(url, { clientId, clean: false, reconnectPeriod: 0 });
    await c.subscribeAsync(topic, { qos: 2 });
    await c.endAsync();
    const q2 = () => source({ qos: 2 });
    const items: Array<[string, number]> = [];
    pub(topic, ['a', 'b', 'c'], { qos: 2 });
    const first = await run(q2(), 3);
    expect(first.seen).toEqual(['a', 'b', 'c']);
    expect(first.end).toEqual({ seq: 3 });
    // The journal keeps the QoS (flags byte, bits 0-1) of each record.
    const segment = readFileSync(join(journalDir(), '0000000000000001.journal'));
    expect(segment.readUInt8(8) & 3).toBe(2);

    // A run stalled after taking one message (credit 1), then cancelled: what it took is journaled, the rest is not acknowledged.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const stalled = pipeline()
      .from(q2())
      .to(
        forEach(async (m: MqttMessage<string>) => {
          items.push([m.payload, m.qos]);
          if (m.payload === 'd') await gate;
        }),
      )
      .start({ creditWindow: 1, restore: { positions: { in: { seq: 3 } } } });
    pub(topic, ['d', 'e', 'f', 'g'], { qos: 2 });
    await until(() => items.length === 1, 10_000, 'the first live message');
    stalled.cancel();
    release();
    const aborted = (await stalled.result.catch((e: unknown) => e)) as PipelineAbortedError;
    expect(aborted).toBeInstanceOf(PipelineAbortedError);
    const taken = aborted.stats['in']!.out;
    expect([1, 2]).toContain(taken);
    expect(items).toEqual([['d', 2]]);

    // Restored at the first run's checkpoint: b, c replayed from the journal, the stalled run's messages from the journal, the rest live, each once, all at QoS 2.
    items.length = 0;
    const restored = pipeline()
      .from(q2())
      .to(forEach((m: MqttMessage<string>) => void items.push([m.payload, m.qos])))
      .start({ restore: { positions: { in: { seq: 1 } } } });
    await until(() => items.length >= 6, 10_000, `6 items (have ${items.length})`);
    pub(topic, ['end'], { qos: 2 });
    await until(() => items.some(([p]) => p === 'end'), 10_000, 'the end marker');
    restored.drain();
    await restored.result;
    expect(items).toEqual([
      ['b', 2],
      ['c', 2],
      ['d', 2],
      ['e', 2],
      ['f', 2],
      ['g', 2],
      ['end', 2],
    ]);
  });

  it('a second run on the same journal while the first runs fails naming the component, the directory and the holder pid; the lock is released when the first ends', async () => {
    const seen: string[] = [];
    const first = pipeline()
      .from(source())
      .to(forEach((m: MqttMessage<string>) => void seen.push(m.payload)))
      .start();
    pub(topic, ['one']);
    await until(() => seen.length === 1, 10_000, 'the first run to take a message');
    const second = pipeline().from(source()).to(forEach(() => undefined)).run();
    await expect(second).rejects.toThrow(
      `[mqttSource "in"] write-ahead journal: the journal ${journalDir()} is locked by this process (pid ${process.pid}): another run of the source has it open; two runs must not share one journal directory (at ${join(journalDir(), 'lock')})`,
    );
    // The second run failed before connecting, so the first kept its session and goes on.
    pub(topic, ['two']);
    await until(() => seen.length === 2, 10_000, 'the second message');
    first.drain();
    await first.result;
    expect(seen).toEqual(['one', 'two']);
    expect(segments()).toEqual(['0000000000000001.journal']);
    const third = await run(source(), 2);
    expect(third.seen).toEqual(['one', 'two']);
  });

  it('replays journaled messages through decode and the error strategy, like live ones', async () => {
    await run(source(), 3, { publish: ['a', 'bad', 'b'] });
    const strict = source({
      decode: (b) => {
        if (b.toString() === 'bad') throw new Error('not a letter');
        return b.toString();
      },
      errors: onError.skip(),
    });
    const replayed = await run(strict, 2);
    expect(replayed.seen).toEqual(['a', 'b']);
    expect(replayed.result.stats['in']).toMatchObject({ out: 2, skipped: 1 });
  });

  it('fails naming the component, the journal file and the cause when the directory is unusable or a record is corrupt', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    const unusable = mqttSource({ url, topics: topic, clientId, name: 'in', journal: { dir: join(dir, 'file') } });
    await expect(run(unusable, 1)).rejects.toThrow(`[mqttSource "in"] write-ahead journal: cannot create the journal directory (at ${join(dir, 'file', clientId)}): ENOTDIR`);

    await run(source(), 2, {
      publish: ['x'],
      during: async (seen, h) => {
        await until(() => seen.length === 1, 10_000, '1 item');
        h.barrier();
        pub(topic, ['y']);
      },
    });
    const file = join(journalDir(), '0000000000000001.journal');
    const buf = readFileSync(file);
    buf.writeUInt8(buf.readUInt8(buf.length - 1) ^ 0xff, buf.length - 1);
    writeFileSync(file, Buffer.concat([buf, buf])); // a bad record with another after it
    await expect(run(source(), 1)).rejects.toThrow(`[mqttSource "in"] write-ahead journal: corrupt record #0 (seq 1): checksum mismatch (at ${file}, byte 0)`);
  });

  it('rejects a journal without a fixed client id, with a clean session, with QoS 0, or with a bad position', () => {
    expect(() => mqttSource({ topics: 't', journal: { dir } })).toThrow(
      'mqttSource: `journal` needs a fixed `clientId` and a persistent session (`clean: false`): the journal replays only what the broker no longer keeps for that session',
    );
    expect(() => mqttSource({ topics: 't', clientId: 'c', clean: true, journal: { dir } })).toThrow('needs a fixed `clientId` and a persistent session');
    expect(() => mqttSource({ topics: 't', clientId: 'c', qos: 0, journal: { dir } })).toThrow('mqttSource: `journal` needs `qos` 1 or 2');
    expect(() => mqttSource({ topics: 't', clientId: 'c', journal: { dir: '' } })).toThrow('mqttSource: `journal.dir` must be a non-empty directory path');
    expect(() => mqttSource({ topics: 't', clientId: 'c', journal: { dir, segmentBytes: 0 } })).toThrow('mqttSource: `journal.segmentBytes` must be a positive integer, got 0');
    expect(mqttSource({ topics: 't', clientId: '../x.y', journal: { dir, fsync: true } }).descriptor.params).toMatchObject({ journal: join(dir, '%2E%2E%2Fx%2Ey'), fsync: true });
    return expect(source().commitCheckpoint({ seq: -1 })).rejects.toThrow('mqttSource: a journal position must look like { seq: <n> }, got {"seq":-1}');
  });

  it('without a journal the source is not replayable and its commitCheckpoint does nothing', async () => {
    const plain = mqttSource({ url, topics: topic, clientId });
    await expect(plain.commitCheckpoint({ seq: 3 })).resolves.toBeUndefined();
    expect(plain.open).toBeInstanceOf(Function);
  });
});
