/**
 * StreamWeave demo: 200k generated shop events (JSON lines, some malformed) through
 * a graph — parse with a dead-letter route, fan out to an order branch (rate-limited
 * "payment check" with bounded concurrency, revenue per category) and an activity
 * branch (events per type), and an event-time branch (views per category per minute in
 * tumbling windows, watermarks 5 s behind) — then a readable summary.
 *
 *   pnpm demo
 */
import {
  batch,
  collect,
  type DeadLetter,
  filter,
  fromIterable,
  graph,
  map,
  mapAsync,
  onError,
  reduceTo,
} from '@streamweave/core';
import {
  assignTimestampsAndWatermarks,
  boundedOutOfOrderness,
  count,
  tumblingWindows,
  windowAggregate,
  type WindowResult,
} from '@streamweave/windowing';
import { eventLines, type ShopEvent } from './events.js';

const COUNT = Number(process.env.DEMO_EVENTS ?? 200_000);

function parse(line: string): ShopEvent {
  const e = JSON.parse(line) as ShopEvent;
  if (typeof e.ts !== 'number' || typeof e.category !== 'string') throw new Error('missing ts or category');
  return e;
}

/** Stands in for an I/O call (a fraud check): async, so it runs with bounded concurrency and holds backpressure credit. */
async function paymentCheck(order: ShopEvent): Promise<ShopEvent & { approved: boolean }> {
  await Promise.resolve();
  return { ...order, approved: order.amount < 195 };
}

type Revenue = Record<string, { orders: number; revenue: number; rejected: number }>;

const app = graph()
  .source('events', fromIterable(eventLines(COUNT)))
  .transform('parse', map(parse, { errors: onError.deadLetter() }))
  .transform('orders', filter((e: ShopEvent) => e.type === 'order'))
  .transform('payment', mapAsync(paymentCheck, { concurrency: 16 }))
  .sink(
    'revenue',
    reduceTo((acc: Revenue, o: ShopEvent & { approved: boolean }) => {
      const r = (acc[o.category] ??= { orders: 0, revenue: 0, rejected: 0 });
      if (o.approved) {
        r.orders++;
        r.revenue += o.amount;
      } else r.rejected++;
      return acc;
    }, {} as Revenue),
  )
  .transform('batches', batch<ShopEvent>({ size: 1000 }))
  .transform(
    'activity',
    map((events: ShopEvent[]) => {
      const byType: Record<string, number> = {};
      for (const e of events) byType[e.type] = (byType[e.type] ?? 0) + 1;
      return byType;
    }),
  )
  .sink(
    'totals',
    reduceTo((acc: Record<string, number>, b: Record<string, number>) => {
      for (const [k, v] of Object.entries(b)) acc[k] = (acc[k] ?? 0) + v;
      return acc;
    }, {} as Record<string, number>),
  )
  .transform('eventTime', assignTimestampsAndWatermarks({ timestamp: (e: ShopEvent) => e.ts, watermarks: boundedOutOfOrderness(5_000) }))
  .transform(
    'viewsPerMinute',
    windowAggregate({
      assigner: tumblingWindows<ShopEvent>(60_000),
      timestamp: (e: ShopEvent) => e.ts,
      key: (e: ShopEvent) => e.category,
      aggregate: count(),
    }),
  )
  .sink('minutes', collect<WindowResult<string, number>>())
  .connect('parse', 'eventTime')
  .connect('eventTime', 'viewsPerMinute')
  .connect('viewsPerMinute', 'minutes')
  .connect('events', 'parse')
  .connect('parse', 'orders')
  .connect('orders', 'payment')
  .connect('payment', 'revenue')
  .connect('parse', 'batches')
  .connect('batches', 'activity')
  .connect('activity', 'totals')
  .build();

const t0 = performance.now();
const { result, stats, deadLetter } = await app.run({ deadLetter: collect<DeadLetter>() });
const seconds = (performance.now() - t0) / 1000;

const letters = deadLetter as DeadLetter[];
console.log(`\nStreamWeave demo — ${COUNT.toLocaleString('en')} shop events in ${seconds.toFixed(2)} s (${Math.round(COUNT / seconds).toLocaleString('en')} events/s)\n`);
console.log('Events by type:');
for (const [type, n] of Object.entries(result.totals).sort()) console.log(`  ${type.padEnd(8)} ${String(n).padStart(8)}`);
console.log('\nApproved revenue by category:');
for (const [category, r] of Object.entries(result.revenue).sort()) {
  console.log(`  ${category.padEnd(8)} ${r.revenue.toFixed(2).padStart(12)}  (${r.orders} orders, ${r.rejected} rejected)`);
}
const minutes = result.minutes;
const busiest = minutes.reduce((a, b) => (b.result > a.result ? b : a), minutes[0]!);
console.log(
  `\nEvent-time windows: ${minutes.length} (category, minute) counts; busiest: ${busiest.key} with ${busiest.result} events ` +
    `in [${new Date(busiest.window.start).toISOString().slice(11, 16)}, ${new Date(busiest.window.end).toISOString().slice(11, 16)})`,
);
console.log(`\nDead letters: ${letters.length} malformed lines, e.g.\n  ${letters[0]?.error.message ?? '(none)'}`);
console.log('\nPer-node stats (in / out / errors / skipped):');
for (const [id, s] of Object.entries(stats)) {
  console.log(`  ${id.padEnd(10)} ${String(s.in).padStart(8)} ${String(s.out).padStart(8)} ${String(s.errors).padStart(6)} ${String(s.skipped).padStart(6)}`);
}
console.log(`\nGraph: ${app.describe().nodes.length} nodes, ${app.describe().edges.length} edges (app.describe() gives it as plain data)`);

// The demo checks itself: every line is accounted for.
const parsed = stats.parse!;
if (parsed.in !== COUNT || parsed.out + letters.length !== COUNT) throw new Error('demo lost events');
const typed = Object.values(result.totals).reduce((a, b) => a + b, 0);
if (typed !== parsed.out) throw new Error('activity branch lost events');
const windowed = minutes.reduce((a, m) => a + m.result, 0);
if (windowed !== parsed.out) throw new Error(`event-time branch counted ${windowed} of ${parsed.out} events`);
