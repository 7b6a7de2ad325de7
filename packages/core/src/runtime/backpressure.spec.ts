import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { forEach, fromIterable, map, mapAsync, onError, pipeline } from '../index.js';

// A full GC before each heap sample, so the samples show what is retained, not when the
// collector last ran (on a loaded machine it can fall far behind and inflate heapUsed).
setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;

interface Item {
  readonly id: number;
  readonly payload: string;
}

function* unbounded(): Generator<Item> {
  let i = 0;
  // ~300 bytes per item: an unbounded queue of 1M items would need ~300 MB.
  while (true) yield { id: i++, payload: `${i}`.padEnd(256, 'x') };
}

/** Average cost of producing one item, in ms, measured here so "100x slower" is relative to this machine. */
function producerCostMs(): number {
  // Best of several batches, so a busy machine does not inflate the figure (and the test's run time).
  const it = unbounded();
  const n = 50_000;
  let best = Infinity;
  let sink = 0;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += it.next().value.payload.length;
    best = Math.min(best, (performance.now() - t0) / n);
  }
  if (sink === 0) throw new Error('unreachable');
  return best;
}

describe('backpressure', () => {
  it('an unbounded fast producer into a 100x slower consumer keeps heap use flat over 1M items', async () => {
    const total = 1_000_000;
    const slowMs = producerCostMs() * 100;
    const samples: number[] = [];
    let baseline = 0;
    let produced = 0;
    let maxAhead = 0;
    const error = await pipeline()
      .from(fromIterable(unbounded()))
      .pipe(map((x: Item) => (produced++, x)))
      .pipe(mapAsync(async (x: Item) => x.id, { concurrency: 4 }))
      .to(
        forEach(async (id: number) => {
          const until = performance.now() + slowMs;
          while (performance.now() < until) {
            // busy: this consumer is 100x slower than the producer
          }
          maxAhead = Math.max(maxAhead, produced - id);
          if (id % 100_000 === 0 && id > 0) {
            fullGc();
            const used = process.memoryUsage().heapUsed;
            if (id === 100_000) baseline = used;
            else samples.push(used - baseline);
          }
          if (id === total) throw new Error('enough');
        }),
      )
      .run({ creditWindow: 256, errors: onError.stop() })
      .catch((e: Error) => e);
    expect(String(error)).toContain('enough');
    // The source never ran further ahead of the consumer than the credit allows.
    expect(maxAhead).toBeLessThanOrEqual(256 + 4 + 2);
    expect(samples).toHaveLength(9);
    // Retained heap stays flat after warm-up: growth under 64 MB, where an unbounded
    // buffer would have grown by ~300 MB over these 900k items.
    expect(Math.max(...samples)).toBeLessThan(64 * 1024 * 1024);
  }, 300_000);
});
