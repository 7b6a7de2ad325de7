// A routing graph: events are partitioned by user (stable hash), each partition dedupes
// its own events, the partitions merge back with aligned watermarks, and a content router
// sends errors to their own sink while everything else is counted.
import {
  collect,
  distinct,
  fromArray,
  graph,
  keyPartition,
  merge,
  partitionOf,
  reduceTo,
  route,
  watermark,
  type Element,
} from '@streamweave/core';

type Ev = { user: string; id: number; level: 'info' | 'error' };
const events: Array<Element<Ev>> = [
  { user: 'ann', id: 1, level: 'info' },
  { user: 'bob', id: 2, level: 'error' },
  { user: 'ann', id: 1, level: 'info' }, // duplicate delivery
  watermark(10),
  { user: 'cid', id: 3, level: 'info' },
  { user: 'bob', id: 2, level: 'error' }, // duplicate delivery
  { user: 'bob', id: 4, level: 'info' },
];

const dedupe = () => distinct<Ev, number>({ key: (e) => e.id });
const { result, stats } = await graph()
  .source('events', fromArray(events as Ev[]))
  .node('byUser', keyPartition<Ev, string, 2>((e) => e.user, 2))
  .transform('dedupe0', dedupe())
  .transform('dedupe1', dedupe())
  .node('all', merge<Ev, ['p0', 'p1']>(['p0', 'p1']))
  .node('byLevel', route<Ev, 'error', 'rest'>((e) => e.level, ['error'], { default: 'rest' }))
  .sink('errors', collect<Ev>())
  .sink('count', reduceTo((n: number) => n + 1, 0))
  .connect('events', 'byUser')
  .connect('byUser.out0', 'dedupe0')
  .connect('byUser.out1', 'dedupe1')
  .connect('dedupe0', 'all.p0')
  .connect('dedupe1', 'all.p1')
  .connect('all', 'byLevel')
  .connect('byLevel.error', 'errors')
  .connect('byLevel.rest', 'count')
  .build()
  .run();

console.log('partition of each user:', Object.fromEntries(['ann', 'bob', 'cid'].map((u) => [u, partitionOf(u, 2)])));
console.log('errors:', result.errors, 'other events:', result.count, 'deduped:', stats.dedupe0!.in + stats.dedupe1!.in - stats.dedupe0!.out - stats.dedupe1!.out);
if (result.errors.length !== 1 || result.count !== 3) throw new Error(`unexpected routing result ${JSON.stringify(result)}`);
