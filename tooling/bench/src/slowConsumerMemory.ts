/**
 * Slow-consumer memory: a fast unbounded source into an async consumer, 1M items
 * of ~300 bytes. StreamWeave (credit-based backpressure) vs hand-written RxJS
 * (concatMap into the same async consumer, which queues everything the source pushes).
 *
 *   pnpm --filter @streamweave/bench bench:memory
 */
import { concatMap, lastValueFrom, range as rxRange, map as rxMap, count } from 'rxjs';
import { forEach, map, pipeline, range } from '@streamweave/core';

const N = Number(process.env.BENCH_ITEMS ?? 300_000);
const payload = (i: number) => `${i}`.padEnd(256, 'x');
const slow = () => new Promise<void>((resolve) => setImmediate(resolve));

async function peakHeap(label: string, run: () => Promise<unknown>): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  const t0 = performance.now();
  await run();
  clearInterval(timer);
  const mb = (peak - base) / 1024 / 1024;
  console.log(`  ${label.padEnd(34)} peak heap growth ${mb.toFixed(1).padStart(7)} MB   ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return mb;
}

console.log(`\nslow consumer, ${N.toLocaleString('en')} items of ~300 bytes, consumer awaits a macrotask per item`);
const sw = await peakHeap('StreamWeave (credit window 1024)', () =>
  pipeline().from(range(0, N)).pipe(map(payload)).to(forEach(slow)).run(),
);
const rx = await peakHeap('hand-written RxJS (concatMap)', () =>
  lastValueFrom(rxRange(0, N).pipe(rxMap(payload), concatMap(slow), count())),
);
console.log(`  StreamWeave uses ${(rx / Math.max(sw, 0.1)).toFixed(0)}× less peak heap than unbounded RxJS buffering`);
