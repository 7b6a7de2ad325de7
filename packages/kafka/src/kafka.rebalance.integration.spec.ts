/**
 * Consumer-group rebalances with several live members against the real broker: members join
 * and leave in the middle of a run while each commits offsets only when its own checkpoint
 * completes. Nothing may be lost, a member may not see a record of a partition it kept twice
 * (kept partitions are sought to where the member was, not to the older committed offset), and at no moment may
 * the group's committed offset of a partition be ahead of the records the sinks have written (acknowledged by the broker).
 */
import { map, pipeline, rateLimit } from '@streamweave/core';
import { CheckpointCoordinator } from '@streamweave/state';
import { createTopic, deleteTopic, type KafkaClient, kafkajsClient, kafkaSink, kafkaSource, type KafkaRecord } from './index.js';
import { brokers, kafkaUp, kcatProduce, kcatTail, unique, until } from './test-support/services.js';

const up = kafkaUp();
const describeKafka = up ? describe : describe.skip;
const client = kafkajsClient({ brokers, retries: 8 });

interface Member {
  /** `partition:offset` of every record its sink took, in order. */
  readonly taken: string[];
  readonly commits: { ok: number; refused: number };
  stop(): Promise<void>;
}

describeKafka('Kafka consumer-group rebalances (real broker, several members)', () => {
  const topics: string[] = [];
  afterAll(async () => {
    for (const t of topics) await deleteTopic(client, t).catch(() => undefined);
  });

  it('three members join and leave mid-run: nothing lost, kept partitions repeat nothing, commits never pass what the sinks wrote', async () => {
    const input = unique('rebalance');
    const output = unique('rebalance-out');
    topics.push(input, output);
    await createTopic(client, output, 1);
    const total = 6000;
    await createTopic(client, input, 6);
    // Produced in four parts, one as each member comes or goes, keyed over all partitions: a
    // member that joins always finds fresh records on whatever partitions it is given.
    const part = (from: number, to: number) => kcatProduce(input, Array.from({ length: to - from }, (_, i) => `k${(from + i) % 60}:v${from + i}`), true);
    part(0, 2000);
    const groupId = unique('g');
    /** Every record any sink took: `partition:offset` → how many times; offsets taken per partition. */
    const taken = new Map<string, number>();
    const byPartition = new Map<number, Set<number>>();
    const members: Member[] = [];
    /** Per member, in order: records taken (`partition:offset`) and assignments (`assign` + partitions). */
    const history: Array<Array<string | { assign: Set<string> }>> = [];

    const member = (): Member => {
      const own: string[] = [];
      const log: Array<string | { assign: Set<string> }> = [];
      history.push(log);
      // The client as the source sees it, with each (re)assignment noted in this member's history.
      const observed: KafkaClient = {
        ...client,
        admin: () => client.admin(),
        producer: (c) => client.producer(c),
        async consumer(cfg) {
          const h = await client.consumer(cfg);
          return {
            ...h,
            start: (hs) =>
              h.start({ ...hs, onAssign: (a) => (log.push({ assign: new Set(Object.values(a).flat().map(String)) }), hs.onAssign(a)) }),
          };
        },
      };
      const commits = { ok: 0, refused: 0 };
      const source = kafkaSource({ client: observed, topics: [input], groupId, sessionTimeoutMs: 6000, name: 'src' });
      const coordinator = new CheckpointCoordinator({
        intervalMs: 100,
        onCheckpointComplete: (meta) => {
          source.commitCheckpoint(meta.positions['src']).then(
            () => commits.ok++,
            // A commit racing a rebalance is refused (stale generation): the member's next checkpoint covers it.
            () => commits.refused++,
          );
        },
      });
      const inner = pipeline()
        .from(source)
        // ~400 records/s per member, so the run outlasts the joins and leaves.
        .pipe(rateLimit<KafkaRecord>({ perSecond: 400, burst: 16 }))
        .pipe(
          map((r: KafkaRecord) => {
            const id = `${r.partition}:${r.offset}`;
            own.push(id);
            log.push(id);
            taken.set(id, (taken.get(id) ?? 0) + 1);
            let set = byPartition.get(r.partition);
            if (!set) byPartition.set(r.partition, (set = new Set()));
            set.add(Number(r.offset));
            return id;
          }),
        )
        // The sink takes part in checkpoints (a checkpoint completes once its flush is acknowledged);
        // with a sink that does not, the state package's coordinator completes a checkpoint as soon
        // as the barrier is injected, before the records ahead of it reached the sink.
        .to(kafkaSink({ client, topic: output, batchSize: 50, compression: 'none' }));
      let handle: { drain(): void } | undefined;
      const running = coordinator.run({ start: (o) => (handle = inner.start({ ...o, creditWindow: 64 })), describe: () => inner.describe() });
      let stopped: Promise<void> | undefined;
      const m = {
        taken: own,
        commits,
        stop: () => (stopped ??= (handle?.drain(), running.then(() => undefined))),
      };
      members.push(m);
      return m;
    };

    // Watch the group's committed offsets while members come and go: a committed offset c of a
    // partition means every record below c was written by some sink and acknowledged, i.e. is in
    // the output topic (the sinks write `partition:offset` of each input record). kcat reads the
    // output as it grows; each check reads the committed offsets first, then waits until kcat has
    // read the output up to its end offset at that point (acknowledged before any commit of it).
    const violations: string[] = [];
    let checks = 0;
    let watching = true;
    const admin = await client.admin();
    const written = kcatTail(output);
    const watcher = (async () => {
      while (watching) {
        const committed = await admin.groupOffsets(groupId, input);
        const end = Number((await admin.endOffsets(output))['0']);
        await until(() => written.lines.length >= end, 30_000, `kcat to read ${output} up to offset ${end}`);
        const acknowledged = new Set(written.lines);
        for (const [p, c] of Object.entries(committed)) {
          for (let o = 0; o < Number(c); o++) {
            if (!acknowledged.has(`${p}:${o}`)) {
              violations.push(`partition ${p}: committed ${c} but offset ${o} not written by a sink`);
              break;
            }
          }
        }
        checks++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    try {
      const a = member();
      await until(() => a.taken.length >= 800, 30_000, 'a to take 800 records');
      const b = member();
      part(2000, 3500);
      await until(() => b.taken.length >= 200, 30_000, 'b to get partitions and take 200 records');
      const c = member();
      part(3500, 5000);
      await until(() => c.taken.length >= 200, 30_000, 'c to get partitions and take 200 records');
      const partitionsOfABeforeLeaving = new Set(a.taken.map((id) => id.split(':')[0]));
      await a.stop();
      part(5000, total);
      await until(() => taken.size >= 5000, 30_000, 'b and c to take over a’s partitions');
      await c.stop();
      await until(() => taken.size === total, 60_000, 'every record');
      // b commits what it took at its next checkpoints.
      const ends = await admin.endOffsets(input);
      let atEnd = false;
      for (let i = 0; i < 100 && !atEnd; i++) {
        atEnd = JSON.stringify(await admin.groupOffsets(groupId, input)) === JSON.stringify(ends);
        if (!atEnd) await new Promise((r) => setTimeout(r, 100));
      }
      await b.stop();

      const duplicates = [...taken.values()].reduce((n, k) => n + k - 1, 0);
      console.log(
        `rebalance: ${total} records, taken a=${a.taken.length} b=${b.taken.length} c=${c.taken.length}, ` +
          `duplicates across members ${duplicates}, commits ok/refused a=${a.commits.ok}/${a.commits.refused} ` +
          `b=${b.commits.ok}/${b.commits.refused} c=${c.commits.ok}/${c.commits.refused}`,
      );
      expect(taken.size).toBe(total); // nothing lost
      // A member takes a record again only if the partition was revoked from it in between (and
      // read by its next owner from the committed offset); a partition it kept resumes where it was.
      // Records already in the pipeline when their partition is revoked still reach the sink after
      // the new assignment, so "in between" starts at the assignment before the first take.
      const repeatsOnKeptPartitions = history.map((log) => {
        const at = new Map<string, number>();
        let bad = 0;
        let lastAssign = 0;
        const assignBefore = new Map<string, number>();
        log.forEach((e, i) => {
          if (typeof e !== 'string') {
            lastAssign = i;
            return;
          }
          const before = at.get(e);
          const partition = e.split(':')[0]!;
          if (before !== undefined && !log.slice(assignBefore.get(e)!, i).some((x) => typeof x !== 'string' && !x.assign.has(partition))) bad++;
          at.set(e, i);
          assignBefore.set(e, lastAssign);
        });
        return bad;
      });
      expect(repeatsOnKeptPartitions).toEqual([0, 0, 0]);
      expect(violations).toEqual([]); // offsets committed only for records already written
      expect(checks).toBeGreaterThan(10);
      expect(atEnd).toBe(true); // and, in the end, for all of them
      // The group really was shared and really moved: a had several partitions, b and c took some over.
      expect(partitionsOfABeforeLeaving.size).toBeGreaterThan(1);
      expect(new Set(b.taken.map((id) => id.split(':')[0])).size).toBeGreaterThan(1);
      expect(c.taken.length).toBeGreaterThanOrEqual(200);
      // Duplicates only come from partitions that changed owner after their last committed checkpoint.
      expect(duplicates).toBeLessThan(1000);
    } finally {
      await Promise.all(members.map((m) => m.stop().catch(() => undefined)));
      watching = false;
      await watcher.catch(() => undefined);
      written.stop();
      await admin.close();
    }
  }, 180_000);
});
