/**
 * 10M numbers through map → filter → reduce: StreamWeave vs hand-written RxJS,
 * Node object-mode streams, async generators and a plain loop, in one run.
 *
 *   pnpm --filter @streamweave/bench bench:core
 */
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline as nodePipeline } from 'node:stream/promises';
import { filter as rxFilter, lastValueFrom, map as rxMap, range as rxRange, reduce as rxReduce } from 'rxjs';
import { filter, map, pipeline, range, reduceTo } from '@streamweave/core';
import { measure, report } from './harness.js';

const N = Number(process.env.BENCH_ITEMS ?? 10_000_000);
const double = (x: number) => x * 2;
const keep = (x: number) => x % 3 === 0;

function plainLoop(): number {
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const d = double(i);
    if (keep(d)) sum += d;
  }
  return sum;
}
const expected = plainLoop();

async function streamweave(): Promise<number> {
  const { result } = await pipeline().from(range(0, N)).pipe(map(double)).pipe(filter(keep)).to(reduceTo((s: number, x: number) => s + x, 0)).run();
  return result;
}

function rxjs(): Promise<number> {
  return lastValueFrom(
    rxRange(0, N).pipe(
      rxMap(double),
      rxFilter(keep),
      rxReduce((s, x) => s + x, 0),
    ),
  );
}

async function* gen() {
  for (let i = 0; i < N; i++) yield i;
}
async function asyncGenerators(): Promise<number> {
  let sum = 0;
  async function* mapped() {
    for await (const x of gen()) yield double(x);
  }
  async function* filtered() {
    for await (const x of mapped()) if (keep(x)) yield x;
  }
  for await (const x of filtered()) sum += x;
  return sum;
}

async function nodeStreams(): Promise<number> {
  let sum = 0;
  function* numbers() {
    for (let i = 0; i < N; i++) yield i;
  }
  await nodePipeline(
    Readable.from(numbers()),
    new Transform({ objectMode: true, transform: (x: number, _e, cb) => cb(null, double(x)) }),
    new Transform({ objectMode: true, transform: (x: number, _e, cb) => (keep(x) ? cb(null, x) : cb()) }),
    new Writable({
      objectMode: true,
      write(x: number, _e, cb) {
        sum += x;
        cb();
      },
    }),
  );
  return sum;
}

const best = await measure(
  [
    { name: 'plain loop', run: plainLoop },
    { name: 'StreamWeave pipeline', run: streamweave },
    { name: 'hand-written RxJS', run: rxjs },
    { name: 'async generators', run: asyncGenerators },
    { name: 'Node object-mode streams', run: nodeStreams },
  ],
  { runs: Number(process.env.BENCH_RUNS ?? 3), expect: expected },
);
report('map → filter → reduce', best, N, 'hand-written RxJS');
const sw = best.get('StreamWeave pipeline')!;
console.log(
  `\n  StreamWeave vs RxJS: ${(best.get('hand-written RxJS')! / sw).toFixed(2)}× (target ≥ 0.8×); ` +
    `vs Node object streams: ${(best.get('Node object-mode streams')! / sw).toFixed(1)}× (target ≥ 5×)`,
);
