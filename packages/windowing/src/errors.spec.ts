import { collect, type DeadLetter, fromArray, onError, pipeline, StreamWeaveError, watermark } from '@streamweave/core';
import { count } from './aggregate.js';
import { tumblingWindows } from './assigners/tumblingWindows.js';
import { boundedOutOfOrderness } from './watermarks/boundedOutOfOrderness.js';
import { assignTimestampsAndWatermarks } from './watermarks/assignTimestampsAndWatermarks.js';
import { windowAggregate } from './windowAggregate.js';
import { windowReduce } from './windowReduce.js';

interface Ev {
  ts: unknown;
}
const input: Ev[] = [{ ts: 1 }, { ts: NaN }, { ts: undefined }, { ts: '5' }, { ts: 3 }];
const window = (errors?: ReturnType<typeof onError.skip>) =>
  windowAggregate({ name: 'perMinute', assigner: tumblingWindows<Ev>(10), timestamp: (e: Ev) => e.ts as number, aggregate: count<Ev>(), ...(errors ? { errors } : {}) });
const assigner = (errors?: ReturnType<typeof onError.skip>) =>
  assignTimestampsAndWatermarks({ name: 'wm', timestamp: (e: Ev) => e.ts as number, watermarks: boundedOutOfOrderness(0), periodMs: 0, ...(errors ? { errors } : {}) });

describe('bad timestamps', () => {
  it('stop: fails the run with an error naming the window operator and the item position', async () => {
    const run = pipeline().from(fromArray(input)).pipe(window()).to(collect()).run();
    await expect(run).rejects.toThrow('[windowAggregate "perMinute", item #1] timestamp extractor returned NaN; expected a finite number of milliseconds');
    await expect(run).rejects.toBeInstanceOf(StreamWeaveError);
  });

  it('skip: drops and counts each bad item, the rest is windowed', async () => {
    const op = window(onError.skip());
    const { result, stats } = await pipeline().from(fromArray(input)).pipe(op).to(collect()).run();
    expect(result.map((r) => r.result)).toEqual([2]);
    expect(stats.perMinute).toMatchObject({ in: 5, out: 1, errors: 3, skipped: 3 });
  });

  it('deadLetter: routes each bad item with its error (undefined, non-number) to the dead-letter consumer', async () => {
    const { result, deadLetter } = await pipeline().from(fromArray(input)).pipe(window(onError.deadLetter())).to(collect()).run({ deadLetter: collect() });
    expect(result.map((r) => r.result)).toEqual([2]);
    const letters = deadLetter as DeadLetter<Ev>[];
    expect(letters.map((l) => l.error.message)).toEqual([
      '[windowAggregate "perMinute", item #1] timestamp extractor returned NaN; expected a finite number of milliseconds',
      '[windowAggregate "perMinute", item #2] timestamp extractor returned undefined; expected a finite number of milliseconds',
      '[windowAggregate "perMinute", item #3] timestamp extractor returned string "5"; expected a finite number of milliseconds',
    ]);
    expect(letters.map((l) => l.error.position)).toEqual([1, 2, 3]);
    expect(letters[2]!.item).toEqual({ ts: '5' });
  });

  it('the watermark assigner reports bad timestamps the same way (stop, skip, deadLetter)', async () => {
    await expect(pipeline().from(fromArray(input)).pipe(assigner()).to(collect()).run()).rejects.toThrow(
      '[assignTimestampsAndWatermarks "wm", item #1] timestamp extractor returned NaN',
    );
    const skipped = await pipeline().from(fromArray(input)).pipe(assigner(onError.skip())).to(collect()).run();
    expect(skipped.result).toEqual([{ ts: 1 }, { ts: 3 }]);
    expect(skipped.stats.wm).toMatchObject({ errors: 3, skipped: 3 });
    const dl = await pipeline().from(fromArray(input)).pipe(assigner(onError.deadLetter())).to(collect()).run({ deadLetter: collect() });
    expect((dl.deadLetter as DeadLetter[]).map((l) => l.error.position)).toEqual([1, 2, 3]);
  });

  it('retry re-evaluates the item and then applies onExhausted', async () => {
    const { stats } = await pipeline()
      .from(fromArray(input))
      .pipe(window(onError.retry({ maxAttempts: 2, onExhausted: 'skip' })))
      .to(collect())
      .run();
    expect(stats.perMinute).toMatchObject({ errors: 6, skipped: 3 });
  });

  it('a throwing window function fails the run naming the operator', async () => {
    const op = windowReduce({ name: 'r', assigner: tumblingWindows<number>(10), timestamp: (x: number) => x, reduce: () => { throw new Error('boom'); } });
    await expect(pipeline().from(fromArray([1, 2])).pipe(op).to(collect()).run()).rejects.toThrow('[windowReduce "r", item #1, attempt 1] failed: boom');
    const failing = windowAggregate({ name: 'g', assigner: tumblingWindows<number>(10), timestamp: (x: number) => x, aggregate: { createAccumulator: () => 0, add: (_x: number, a: number) => a + 1, getResult: (): number => { throw new Error('bad result'); } } });
    await expect(pipeline().from(fromArray([1, watermark(10) as never])).pipe(failing).to(collect()).run()).rejects.toThrow('[windowAggregate "g", item #0, attempt 1] failed: bad result');
    const skipping = windowAggregate({ assigner: tumblingWindows<number>(10), timestamp: (x: number) => x, errors: onError.skip(), aggregate: { createAccumulator: () => 0, add: (_x: number, a: number) => a + 1, getResult: (): number => { throw new Error('bad result'); } } });
    const { result, stats } = await pipeline().from(fromArray([1, watermark(10) as never, 12])).pipe(skipping).to(collect()).run();
    expect(result).toEqual([]);
    expect(stats.windowAggregate).toMatchObject({ errors: 2, skipped: 2 });
  });
});
