import { map as rxMap, pairwise, scan } from 'rxjs';
import {
  batch,
  checkpointBarrier,
  circuitBreaker,
  CircuitOpenError,
  type CircuitState,
  collect,
  countWindow,
  delay,
  filter,
  fromArray,
  interval,
  lift,
  map,
  mapAsync,
  onError,
  pipeline,
  processingTimeWindow,
  range,
  rateLimit,
  retry,
  take,
  VirtualClock,
  watermark,
  type DeadLetter,
} from '../index.js';
import { collectElements, fromElements } from '../test-support/elements.js';


describe('map and filter', () => {
  it('pass positions to the function', async () => {
    const { result } = await pipeline()
      .from(fromArray(['a', 'b']))
      .pipe(map((x: string, i) => `${x}${i}`))
      .pipe(filter((_x: string, i) => i > 0))
      .to(collect())
      .run();
    expect(result).toEqual(['b1']);
  });

  it('filter narrows with a type guard', async () => {
    const isString = (x: string | number): x is string => typeof x === 'string';
    const { result } = await pipeline()
      .from(fromArray<string | number>([1, 'a', 2, 'b']))
      .pipe(filter(isString))
      .pipe(map((s) => s.toUpperCase()))
      .to(collect())
      .run();
    expect(result).toEqual(['A', 'B']);
  });
});

describe('mapAsync', () => {
  it('keeps input order by default and bounds concurrency', async () => {
    const clock = new VirtualClock();
    let inFlight = 0;
    let maxInFlight = 0;
    const r = pipeline()
      .from(fromArray([30, 10, 20, 5]))
      .pipe(
        mapAsync(
          (ms: number) =>
            new Promise<number>((resolve) => {
              inFlight++;
              maxInFlight = Math.max(maxInFlight, inFlight);
              clock.schedule(() => {
                inFlight--;
                resolve(ms);
              }, ms);
            }),
          { concurrency: 2 },
        ),
      )
      .to(collect())
      .run({ clock });
    await clock.advanceBy(100);
    expect((await r).result).toEqual([30, 10, 20, 5]);
    expect(maxInFlight).toBe(2);
  });

  it('unordered emits as results arrive but never lets an item overtake a signal', async () => {
    const clock = new VirtualClock();
    const wait = (ms: number) => new Promise<number>((resolve) => clock.schedule(() => resolve(ms), ms));
    const r = pipeline()
      .from(fromElements<number>([30, 10, checkpointBarrier(1, 0), 5, watermark(7), 1]))
      .pipe(mapAsync(wait, { concurrency: 10, ordered: false }))
      .to(collectElements())
      .run({ clock });
    await clock.advanceBy(100);
    expect((await r).result).toEqual([10, 30, 'cp:1', 5, 'wm:7', 1, 'eos']);
  });

  it('routes failures through the strategy (skip and dead letter) without breaking order', async () => {
    const { result, deadLetter } = await pipeline()
      .from(fromArray([1, 2, 3]))
      .pipe(mapAsync(async (x: number) => (x === 2 ? Promise.reject(new Error('two')) : x * 10), { concurrency: 3 }))
      .to(collect())
      .run({ errors: onError.deadLetter(), deadLetter: collect<DeadLetter>() });
    expect(result).toEqual([10, 30]);
    expect((deadLetter as DeadLetter[]).map((d) => [d.item, d.error.message])).toEqual([[2, '[mapAsync "mapAsync", item #1, attempt 1] failed: two']]);
  });

  it('stops the run on failure by default, and handles a throwing (non-async) fn', async () => {
    await expect(
      pipeline()
        .from(fromArray([1]))
        .pipe(
          mapAsync((): number => {
            throw new Error('sync throw');
          }),
        )
        .to(collect())
        .run(),
    ).rejects.toThrow('[mapAsync "mapAsync", item #0, attempt 1] failed: sync throw');
    expect(() => mapAsync((x) => x, { concurrency: 0 })).toThrow('mapAsync: `concurrency` must be a positive integer, got 0');
  });
});

describe('batch', () => {
  it('groups by size, flushes the rest at the end', async () => {
    expect((await pipeline().from(range(1, 5)).pipe(batch({ size: 2 })).to(collect()).run()).result).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('emits a partial batch after timeMs and before any signal', async () => {
    const clock = new VirtualClock();
    const r = pipeline()
      .from(fromElements<number>([1, 2, watermark(3), 4]))
      .pipe(batch<number>({ size: 10, timeMs: 50 }))
      .to(collectElements())
      .run({ clock });
    await clock.advanceBy(100);
    expect((await r).result).toEqual([[1, 2], 'wm:3', [4], 'eos']);

    const timed = pipeline().from(interval(30)).pipe(take(4)).pipe(batch<number>({ timeMs: 50 })).to(collect()).run({ clock });
    await clock.advanceBy(200);
    expect((await timed).result).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('validates its options', () => {
    expect(() => batch({})).toThrow('batch: give `size`, `timeMs` or both');
    expect(() => batch({ size: 0 })).toThrow('batch: `size` must be a positive integer, got 0');
    expect(() => batch({ timeMs: -1 })).toThrow('batch: `timeMs` must be a positive number, got -1');
  });
});

describe('countWindow and processingTimeWindow', () => {
  it('tumbling and sliding count windows', async () => {
    expect((await pipeline().from(range(1, 5)).pipe(countWindow(2)).to(collect()).run()).result).toEqual([[1, 2], [3, 4], [5]]);
    expect((await pipeline().from(range(1, 4)).pipe(countWindow(3, 1)).to(collect()).run()).result).toEqual([
      [1, 2, 3],
      [2, 3, 4],
    ]);
    expect((await pipeline().from(range(1, 5)).pipe(countWindow(3, 2)).to(collect()).run()).result).toEqual([
      [1, 2, 3],
      [3, 4, 5],
    ]);
    expect((await pipeline().from(range(1, 2)).pipe(countWindow(3, 1)).to(collect()).run()).result).toEqual([[1, 2]]);
    expect(() => countWindow(0)).toThrow('countWindow: `size` must be a positive integer, got 0');
  });

  it('a window emitted by the clock takes its credit from the source: a slow stage after it stops the source', async () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const r = pipeline()
      .from(interval(150))
      .pipe(take(12))
      .pipe(map((x: number) => (seen.push(x), x)))
      .pipe(processingTimeWindow<number>(1000))
      .pipe(mapAsync(async (w: { items: number[] }) => (await gate, w.items)))
      .to(collect())
      .run({ clock, creditWindow: 1 });
    await clock.advanceBy(1000); // items at 150…900 are in window [0, 1000), which fires into the gated stage
    await clock.advanceBy(2000);
    // The gated window holds the source's only credit: after the tick already scheduled (1050),
    // nothing was pulled while it waited (without the credit, ticks 1200…3000 would have come).
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    open();
    await clock.advanceBy(2000);
    expect((await r).result).toEqual([[0, 1, 2, 3, 4, 5], [6], [7, 8, 9, 10, 11]]);
  });

  it('processing-time windows align to the epoch and carry their bounds', async () => {
    const clock = new VirtualClock(1_000);
    const r = pipeline().from(interval(400)).pipe(take(5)).pipe(processingTimeWindow<number>(1000)).to(collect()).run({ clock });
    await clock.advanceBy(3000);
    expect((await r).result).toEqual([
      { start: 1000, end: 2000, items: [0, 1] },
      { start: 2000, end: 3000, items: [2, 3] },
      { start: 3000, end: 4000, items: [4] },
    ]);
    expect(() => processingTimeWindow(0)).toThrow('processingTimeWindow: `sizeMs` must be a positive number, got 0');
  });
});

describe('delay', () => {
  it('delays items and signals alike, keeping order', async () => {
    const clock = new VirtualClock();
    const arrivals: number[] = [];
    const r = pipeline()
      .from(fromElements<string>(['a', watermark(1), 'b']))
      .pipe(delay<string>(100))
      .pipe(map((x: string) => (arrivals.push(clock.now()), x)))
      .to(collectElements())
      .run({ clock });
    await clock.advanceBy(99);
    expect(arrivals).toEqual([]);
    await clock.advanceBy(1);
    expect((await r).result).toEqual(['a', 'wm:1', 'b', 'eos']);
    expect(arrivals).toEqual([100, 100]);
    expect(() => delay(-1)).toThrow('delay: `delayMs` must be a non-negative number, got -1');
  });
});

describe('rateLimit', () => {
  it('lets a burst through, then spaces items at the sustained rate without dropping', async () => {
    const clock = new VirtualClock();
    const times: number[] = [];
    const r = pipeline()
      .from(fromElements<number>([1, 2, 3, watermark(9), 4, 5]))
      .pipe(rateLimit<number>({ perSecond: 10, burst: 2 }))
      .pipe(map((x: number) => (times.push(clock.now()), x)))
      .to(collectElements())
      .run({ clock });
    await clock.advanceBy(1000);
    expect((await r).result).toEqual([1, 2, 3, 'wm:9', 4, 5, 'eos']);
    expect(times).toEqual([0, 0, 100, 200, 300]);
  });

  it('validates options', () => {
    expect(() => rateLimit({ perSecond: 0 })).toThrow('rateLimit: `perSecond` must be a positive number, got 0');
    expect(() => rateLimit({ perSecond: 1, burst: 0.5 })).toThrow('rateLimit: `burst` must be a positive integer, got 0.5');
  });
});

describe('retry', () => {
  it('retries an async operation with exponential backoff, then succeeds', async () => {
    const clock = new VirtualClock();
    const calls: Array<[number, number]> = [];
    const r = pipeline()
      .from(fromArray(['x']))
      .pipe(
        retry(
          async (item: string, attempt) => {
            calls.push([attempt, clock.now()]);
            if (attempt < 3) throw new Error('unavailable');
            return `${item}!`;
          },
          { maxAttempts: 3, initialDelayMs: 100, jitter: 0 },
        ),
      )
      .to(collect())
      .run({ clock });
    await clock.advanceBy(1000);
    expect((await r).result).toEqual(['x!']);
    expect(calls).toEqual([
      [1, 0],
      [2, 100],
      [3, 300],
    ]);
  });

  it('hands the last error to the strategy when attempts run out or retryIf says no', async () => {
    const clock = new VirtualClock();
    const r = pipeline()
      .from(fromArray([1, 2]))
      .pipe(
        retry(async (x: number) => (x === 1 ? Promise.reject(new Error('fatal')) : x), {
          maxAttempts: 5,
          retryIf: (e) => (e as Error).message !== 'fatal',
        }),
      )
      .to(collect())
      .run({ clock, errors: onError.skip() });
    await clock.advanceBy(10);
    const { result, stats } = await r;
    expect(result).toEqual([2]);
    expect(stats.retry).toEqual({ in: 2, out: 1, errors: 1, skipped: 1 });
    expect(() => retry(async (x) => x, { maxAttempts: 0 })).toThrow('retry: `maxAttempts` must be a positive integer, got 0');
  });

  it('cancelling during a backoff leaves no timer behind', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const r = pipeline()
      .from(fromArray([1]))
      .pipe(retry(async () => Promise.reject(new Error('down')), { maxAttempts: 10, initialDelayMs: 1000 }))
      .to(collect())
      .run({ clock, signal: controller.signal });
    await clock.advanceBy(10);
    controller.abort();
    await expect(r).rejects.toThrow('pipeline run was cancelled');
    await clock.settle();
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('circuitBreaker', () => {
  it('opens after consecutive failures, fails fast, half-opens after the timeout, closes on success', async () => {
    const clock = new VirtualClock();
    const transitions: Array<[CircuitState, CircuitState, number]> = [];
    let healthy = false;
    const calls: number[] = [];
    const handle = pipeline()
      .from(interval(100))
      .pipe(take(8))
      .pipe(
        circuitBreaker(
          async (x: number) => {
            calls.push(x);
            if (!healthy) throw new Error('service down');
            return x;
          },
          { failureThreshold: 2, resetTimeoutMs: 250, onStateChange: (f, t, at) => transitions.push([f, t, at]) },
        ),
      )
      .to(collect())
      .start({
        clock,
        errors: onError.custom(({ cause }) => (cause instanceof CircuitOpenError ? 'skip' : 'skip')),
      });
    await clock.advanceBy(450); // items 0..3 at 100..400: 0,1 fail → open at 200; 2,3 rejected fast
    healthy = true;
    await clock.advanceBy(400); // item 4 at 500: half-open trial succeeds → closed; 5..7 pass
    const { result, stats } = await handle.result;
    expect(calls).toEqual([0, 1, 4, 5, 6, 7]);
    expect(result).toEqual([4, 5, 6, 7]);
    expect(transitions).toEqual([
      ['closed', 'open', 200],
      ['open', 'halfOpen', 500],
      ['halfOpen', 'closed', 500],
    ]);
    expect(stats.circuitBreaker).toEqual({ in: 8, out: 4, errors: 4, skipped: 4 });
  });

  it('a failed trial reopens the circuit', async () => {
    const clock = new VirtualClock();
    const transitions: string[] = [];
    const r = pipeline()
      .from(interval(100))
      .pipe(take(4))
      .pipe(
        circuitBreaker(async () => Promise.reject(new Error('still down')), {
          failureThreshold: 1,
          resetTimeoutMs: 150,
          onStateChange: (_f, t) => transitions.push(t),
        }),
      )
      .to(collect())
      .run({ clock, errors: onError.skip() });
    await clock.advanceBy(500);
    await r;
    expect(transitions).toEqual(['open', 'halfOpen', 'open']);
    expect(() => circuitBreaker(async (x) => x, { failureThreshold: 0 })).toThrow('circuitBreaker: `failureThreshold`');
    expect(() => circuitBreaker(async (x) => x, { resetTimeoutMs: -1 })).toThrow('circuitBreaker: `resetTimeoutMs` must be >= 0');
  });
});

describe('lift', () => {
  it('applies an RxJS operator to data while signals bypass it', async () => {
    const { result } = await pipeline()
      .from(fromElements<number>([1, 2, watermark(5), 3]))
      .pipe(lift(pairwise<number>()))
      .to(collectElements())
      .run();
    expect(result).toEqual([[1, 2], 'wm:5', [2, 3], 'eos']);
    const sums = await pipeline()
      .from(range(1, 3))
      .pipe(lift(scan((a: number, x: number) => a + x, 0)))
      .to(collect())
      .run();
    expect(sums.result).toEqual([1, 3, 6]);
  });

  it('an error inside the lifted operator fails the run naming the node', async () => {
    const failing = lift<number, number>(
      rxMap(() => {
        throw new Error('inner failure');
      }),
    );
    await expect(pipeline().from(fromArray([1])).pipe(failing).to(collect()).run()).rejects.toThrow(
      '[lift "lift", item #1, attempt 1] failed: inner failure',
    );
    expect(() => lift(null as never)).toThrow('lift: `operator` must be a function, got null');
  });
});

describe('take', () => {
  it('take(0) ends at once, and signals after the end are dropped', async () => {
    expect((await pipeline().from(range(0, 5)).pipe(take(0)).to(collectElements()).run()).result).toEqual(['eos']);
    expect((await pipeline().from(fromElements<number>([1, 2, watermark(3)])).pipe(take(1)).to(collectElements()).run()).result).toEqual([1, 'eos']);
    expect((await pipeline().from(range(1, 2)).pipe(take(5)).to(collectElements()).run()).result).toEqual([1, 2, 'eos']);
    expect(() => take(-1)).toThrow('take: `count` must be a non-negative integer, got -1');
  });
});
