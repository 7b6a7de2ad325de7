import { defineConsumer, defineProducer, pipeline, watermark, map, type Element } from '@streamweave/core';
import { count, slidingWindows, windowAggregate } from '@streamweave/windowing';
interface Ev { k: number; ts: number }
const events = (n: number) => defineProducer<Ev>('events', {}, undefined, () => { let i = 0; return { pull(emit: (el: Element<Ev>) => void, demand: number) { const end = Math.min(n, i + demand); for (; i < end; i++) { const ts = Math.floor(i / 100); emit({ k: i % 10000, ts }); if (i % 10000 === 9999) emit(watermark(ts)); } return i < n; } }; });
const sink = () => defineConsumer<unknown, number>('s', {}, undefined, () => { let n = 0; return { item() { n++; }, complete: () => n }; });
let t0 = performance.now();
await pipeline().from(events(2_000_000)).pipe(map((x: Ev) => x)).to(sink()).run();
console.log('passthrough map 2M', performance.now() - t0);
t0 = performance.now();
await pipeline().from(events(50_000)).pipe(windowAggregate({ assigner: slidingWindows<Ev>(6000, 100), timestamp: (e: Ev) => e.ts, key: (e: Ev) => e.k, aggregate: count() })).to(sink()).run();
console.log('sliding 50k', performance.now() - t0);
