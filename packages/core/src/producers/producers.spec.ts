import { of, Subject, throwError } from 'rxjs';
import {
  collect,
  forEach,
  fromArray,
  fromAsyncIterable,
  fromIterable,
  fromObservable,
  interval,
  pipeline,
  range,
  take,
  timer,
  VirtualClock,
  InvalidArgumentError,
  onError,
} from '../index.js';

describe('producers', () => {
  it('fromArray emits items in order and seeks', async () => {
    expect((await pipeline().from(fromArray(['a', 'b', 'c'])).to(collect()).run()).result).toEqual(['a', 'b', 'c']);
    const seeked = await pipeline().from(fromArray(['a', 'b', 'c'])).to(collect()).run({ restore: { positions: { fromArray: 2 } } });
    expect(seeked.result).toEqual(['c']);
    await expect(pipeline().from(fromArray([1])).to(collect()).run({ restore: { positions: { fromArray: 5 } } })).rejects.toThrow(
      '[fromArray "fromArray"] cannot seek to 5 (array length 1)',
    );
    expect(() => fromArray('abc' as never)).toThrow('fromArray: `items` must be an array, got string');
  });

  it('fromIterable pulls lazily from infinite generators and closes them', async () => {
    let closed = false;
    function* naturals() {
      try {
        let n = 0;
        while (true) yield n++;
      } finally {
        closed = true;
      }
    }
    const { result } = await pipeline().from(fromIterable(naturals())).pipe(take(4)).to(collect()).run();
    expect(result).toEqual([0, 1, 2, 3]);
    expect(closed).toBe(true);
    expect((await pipeline().from(fromIterable(new Set([1, 2]))).to(collect()).run()).result).toEqual([1, 2]);
    expect(() => fromIterable(42 as never)).toThrow('fromIterable: `iterable` must be iterable, got number');
  });

  it('fromAsyncIterable asks for values only while there is credit', async () => {
    let produced = 0;
    async function* source() {
      for (let i = 0; i < 20; i++) {
        produced++;
        yield i;
      }
    }
    const seenAt: number[] = [];
    const { result } = await pipeline()
      .from(fromAsyncIterable(source()))
      .to(
        forEach(async (x: number) => {
          seenAt.push(produced - x);
          await new Promise((r) => setTimeout(r, 0));
        }),
      )
      .run({ creditWindow: 2 });
    expect(result).toBe(20);
    // The generator never runs more than window + 1 items ahead of the consumer.
    expect(Math.max(...seenAt)).toBeLessThanOrEqual(3);
    expect(() => fromAsyncIterable([] as never)).toThrow(InvalidArgumentError);
  });

  it('fromObservable emits values and completes', async () => {
    expect((await pipeline().from(fromObservable(of(1, 2, 3))).to(collect()).run()).result).toEqual([1, 2, 3]);
  });

  it('fromObservable waits for values that arrive later', async () => {
    const subject = new Subject<number>();
    const run = pipeline().from(fromObservable(subject)).to(collect()).run();
    await new Promise((r) => setTimeout(r, 1));
    subject.next(1);
    await new Promise((r) => setTimeout(r, 1));
    subject.next(2);
    subject.complete();
    expect((await run).result).toEqual([1, 2]);
  });

  it('fromObservable overflow policies bound the buffer', async () => {
    const burst = (policy: 'dropOldest' | 'dropNewest' | 'error') =>
      pipeline()
        .from(fromObservable(of(1, 2, 3, 4, 5), { bufferSize: 2, overflow: policy }))
        .to(collect())
        .run();
    const oldest = await burst('dropOldest');
    expect(oldest.result).toEqual([4, 5]);
    expect(oldest.stats.fromObservable!.skipped).toBe(3);
    expect((await burst('dropNewest')).result).toEqual([1, 2]);
    await expect(burst('error')).rejects.toThrow('buffer of 2 items overflowed');
  });

  it('fromObservable errors go through the strategy', async () => {
    await expect(pipeline().from(fromObservable(throwError(() => new Error('upstream')))).to(collect()).run()).rejects.toThrow('upstream');
    const skipped = await pipeline()
      .from(fromObservable(throwError(() => new Error('upstream'))))
      .to(collect())
      .run({ errors: onError.skip() });
    expect(skipped.result).toEqual([]);
    expect(() => fromObservable({} as never)).toThrow('fromObservable: `observable` must have subscribe()');
  });

  it('range counts and validates', async () => {
    expect((await pipeline().from(range(5, 3)).to(collect()).run()).result).toEqual([5, 6, 7]);
    expect((await pipeline().from(range(0, 0)).to(collect()).run()).result).toEqual([]);
    expect(() => range(0, -1)).toThrow('range: `count` must be a non-negative integer or Infinity, got -1');
    expect(() => range(NaN, 1)).toThrow('range: `start` must be a finite number, got NaN');
  });

  it('interval ticks on the clock', async () => {
    const clock = new VirtualClock();
    const run = pipeline().from(interval(100)).pipe(take(3)).to(collect()).run({ clock });
    await clock.advanceBy(250);
    expect(clock.now()).toBe(250);
    await clock.advanceBy(50);
    expect((await run).result).toEqual([0, 1, 2]);
    expect(clock.pendingTimers).toBe(0);
    expect(() => interval(-1)).toThrow('interval: `periodMs` must be a non-negative finite number, got -1');
  });

  it('timer emits once after the delay, or periodically', async () => {
    const clock = new VirtualClock();
    const once = pipeline().from(timer(500)).to(collect()).run({ clock });
    await clock.advanceBy(499);
    await clock.advanceBy(1);
    expect((await once).result).toEqual([0]);
    const periodic = pipeline().from(timer(100, 10)).pipe(take(3)).to(collect()).run({ clock });
    const start = clock.now();
    await clock.advanceBy(120);
    expect((await periodic).result).toEqual([0, 1, 2]);
    expect(clock.now() - start).toBe(120);
    expect(() => timer(NaN)).toThrow('timer: `dueMs`');
    expect(() => timer(1, -5)).toThrow('timer: `periodMs`');
  });
});
