// Keyed event-time tumbling windows: page views per page per minute, with
// bounded out-of-orderness watermarks, one minute of allowed lateness and a
// late-data side output routed to its own consumer.
import { collect, fromArray, graph } from '@streamweave/core';
import {
  assignTimestampsAndWatermarks,
  boundedOutOfOrderness,
  count,
  tumblingWindows,
  windowAggregate,
  type WindowResult,
} from '@streamweave/windowing';

interface View {
  page: string;
  ts: number; // event time, ms
}
const min = 60_000;
const views: View[] = [
  { page: '/home', ts: 0.5 * min },
  { page: '/docs', ts: 0.7 * min },
  { page: '/home', ts: 0.2 * min }, // out of order by 30 s: the watermark trails by 10 s, but its window is still open
  { page: '/home', ts: 1.1 * min },
  { page: '/docs', ts: 1.9 * min }, // watermark → 1.9 min − 10 s: the [0,1) minute fires
  { page: '/docs', ts: 0.9 * min }, // late, but within the allowed lateness: [0,1) re-fires for /docs
  { page: '/home', ts: 2.5 * min }, // watermark → 2.33 min: [1,2) fires, [0,1) is released (end + lateness passed)
  { page: '/home', ts: 4.2 * min },
  { page: '/home', ts: 0.3 * min }, // later than end + lateness: goes to the late output
];

const perMinute = windowAggregate({
  name: 'viewsPerMinute',
  assigner: tumblingWindows<View>(min),
  timestamp: (v: View) => v.ts,
  key: (v: View) => v.page,
  allowedLateness: min,
  aggregate: count<View>(),
});

const g = graph()
  .source('views', fromArray(views))
  .transform('watermarks', assignTimestampsAndWatermarks({ timestamp: (v: View) => v.ts, watermarks: boundedOutOfOrderness(10_000), periodMs: 0 }))
  .node('windows', perMinute.withLateOutput())
  .sink('counts', collect<WindowResult<string, number>>())
  .sink('late', collect<View>())
  .connect('views', 'watermarks')
  .connect('watermarks', 'windows.in')
  .connect('windows.out', 'counts')
  .connect('windows.late', 'late')
  .build();

const { result } = await g.run();
const lines = result.counts.map((r) => `${r.key} [${r.window.start / min}, ${r.window.end / min}) min: ${r.result} (${r.timing})`);
console.log('page views per minute:');
for (const l of lines) console.log('  ' + l);
console.log('late views (side output):', result.late);
console.log('window operator stats:', perMinute.inspect());

const expected = [
  '/home [0, 1) min: 2 (on-time)',
  '/docs [0, 1) min: 1 (on-time)',
  '/docs [0, 1) min: 2 (late)',
  '/home [1, 2) min: 1 (on-time)',
  '/docs [1, 2) min: 1 (on-time)',
  '/home [2, 3) min: 1 (on-time)',
  '/home [4, 5) min: 1 (on-time)',
];
if (JSON.stringify(lines) !== JSON.stringify(expected)) throw new Error(`unexpected counts:\n${lines.join('\n')}`);
if (result.late.length !== 1 || result.late[0]!.ts !== 0.3 * min) throw new Error('expected one late view');
