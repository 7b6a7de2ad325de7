/**
 * Keyed state larger than its heap budget: a count per user over 50 000 users with at
 * most 500 entries on the heap (lmdbKeyedStore). The first run stops after 75 000 events
 * (a final checkpoint); the second restores it, reads 12 500 more, and its final
 * checkpoint writes only the keys that changed. Self-checks the counts and the cache bound.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEach, pipeline, range } from '@streamweave/core';
import { CheckpointCoordinator, keyedCount, memoryBackend, memoryCheckpointStorage } from '@streamweave/state';
import { lmdbKeyedStore } from '@streamweave/state/node';

const users = 50_000;
const dir = mkdtempSync(join(tmpdir(), 'state-example-lmdb-'));
const store = lmdbKeyedStore({ path: join(dir, 'keyed'), cacheSize: 500 });
// Both runs share the backend and checkpoint storage, as a restarted process shares a disk.
const backend = memoryBackend();
const storage = memoryCheckpointStorage();
const latest = new Map<number, number>();
const job = (events: number) =>
  pipeline()
    .from(range(0, events, { name: 'events' }))
    .pipe(keyedCount({ keyBy: (e: number) => (e * 7919) % users, store, name: 'perUser' }))
    .to(forEach((c: { key: number; count: number }) => void latest.set(c.key, c.count)));

try {
  const first = await new CheckpointCoordinator({ backend, storage }).run(job(75_000));
  const afterFirst = store.stats('perUser')!;
  latest.clear();
  const second = await new CheckpointCoordinator({ backend, storage }).run(job(87_500));
  const afterSecond = store.stats('perUser')!;

  // Event e counts for user (e * 7919) % users: every user once per 50 000 events (7919 is prime to 50 000).
  const expected = (user: number, events: number) => {
    let n = 0;
    for (let e = 0; e < events; e++) if ((e * 7919) % users === user) n++;
    return n;
  };
  for (const user of [0, 7919, 12_345, 49_999]) {
    if (latest.has(user) && latest.get(user) !== expected(user, 87_500)) {
      throw new Error(`user ${user}: count ${latest.get(user)}, expected ${expected(user, 87_500)}`);
    }
  }
  let twice = 0;
  for (const c of latest.values()) if (c === 2) twice++;
  if (latest.size !== 12_500 || twice !== 12_500) throw new Error(`the second run should have counted 12 500 users to 2, got ${twice} of ${latest.size}`);
  if (second.restoredFrom !== first.completedCheckpoints[0]) throw new Error('the second run did not restore the first one');
  if (afterFirst.maxCached > 500 || afterSecond.maxCached > 500) throw new Error('the cache outgrew its bound');
  if (afterSecond.lastIncrement !== 12_500) throw new Error(`the final checkpoint wrote ${afterSecond.lastIncrement} keys, expected the 12 500 that changed`);
  console.log(`first run: ${users} users, ${afterFirst.maxCached} entries on the heap at most, checkpoint ${first.completedCheckpoints[0]}`);
  console.log(`second run restored it; all ${twice} users it saw are at 2 (seen once in each run)`);
  console.log(`its final checkpoint wrote ${afterSecond.lastIncrement} changed keys on top of ${afterSecond.segments - 1} earlier segment(s)`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
