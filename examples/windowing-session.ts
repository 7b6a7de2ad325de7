// Session windows per user (30 minutes of inactivity close a session), with a
// full window function that sees every event of the session and its bounds.
// A late event that bridges two sessions merges them, as in Flink.
import { collect, fromArray, pipeline } from '@streamweave/core';
import { assignTimestampsAndWatermarks, boundedOutOfOrderness, sessionWindows, windowProcess } from '@streamweave/windowing';

interface Click {
  user: string;
  page: string;
  ts: number;
}
const min = 60_000;
const clicks: Click[] = [
  { user: 'ada', page: '/home', ts: 0 },
  { user: 'ada', page: '/docs', ts: 10 * min },
  { user: 'bob', page: '/home', ts: 12 * min },
  { user: 'ada', page: '/pricing', ts: 50 * min }, // 40 min after /docs: a second session for ada, for now
  { user: 'ada', page: '/blog', ts: 30 * min }, // arrives late, bridges ada's two sessions into one
  { user: 'bob', page: '/docs', ts: 120 * min },
];

const sessions = windowProcess({
  assigner: sessionWindows<Click>(30 * min),
  timestamp: (c: Click) => c.ts,
  key: (c: Click) => c.user,
  process: (events: Click[], { key, window }) => ({
    user: key,
    pages: events.sort((a, b) => a.ts - b.ts).map((e) => e.page),
    minutes: (window.end - window.start) / min,
  }),
});

const { result } = await pipeline()
  .from(fromArray(clicks))
  .pipe(assignTimestampsAndWatermarks({ timestamp: (c: Click) => c.ts, watermarks: boundedOutOfOrderness(30 * min), periodMs: 0 }))
  .pipe(sessions)
  .to(collect())
  .run();

const lines = result.map((s) => `${s.result.user}: ${s.result.pages.join(' → ')} (${s.result.minutes} min incl. gap)`);
for (const l of lines) console.log(l);
// bob's first session ends (42 min) before ada's merged one (80 min), so it fires first.
const expected = [
  'bob: /home (30 min incl. gap)',
  'ada: /home → /docs → /blog → /pricing (80 min incl. gap)',
  'bob: /docs (30 min incl. gap)',
];
if (JSON.stringify(lines) !== JSON.stringify(expected)) throw new Error(`unexpected sessions:\n${lines.join('\n')}`);
