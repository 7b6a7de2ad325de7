import { Subject } from 'rxjs';
import { watermark, VirtualClock, type NodeContext } from '@streamweave/core';
import { count, tumblingWindows, slidingWindows, windowAggregate } from '@streamweave/windowing';
interface Ev { k: number; ts: number }
const ctx = { id: 'w', component: { id: 'w', type: 'w' }, clock: new VirtualClock(), stats: { in: 0, out: 0, errors: 0, skipped: 0 }, extensions: {}, fail: () => { throw new Error('x'); } } as unknown as NodeContext;
for (const [name, assigner, n] of [['tumbling', tumblingWindows<Ev>(1000), 4_000_000], ['sliding', slidingWindows<Ev>(6000, 100), 200_000]] as const) {
  const op = windowAggregate({ assigner, timestamp: (e: Ev) => e.ts, key: (e: Ev) => e.k, aggregate: count() });
  const s = new Subject<unknown>();
  let outN = 0;
  op.apply(s as never, ctx).subscribe(() => outN++);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) { const ts = Math.floor(i / 100); s.next({ k: i % 10000, ts }); if (i % 10000 === 9999) s.next(watermark(ts)); }
  s.complete();
  const ms = performance.now() - t0;
  console.log(name, ms.toFixed(0), 'ms', (n / ms / 1000).toFixed(2), 'M/s', outN);
}
