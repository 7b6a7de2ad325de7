import {
  checkpointBarrier,
  collect,
  type DeadLetter,
  defineProducer,
  filter,
  forEach,
  fromArray,
  fromAsyncIterable,
  graph,
  interval,
  map,
  mapAsync,
  onError,
  PipelineAbortedError,
  pipeline,
  range,
  StreamWeaveError,
  take,
  VirtualClock,
  watermark,
  type JsonValue,
} from '../index.js';
import { collectElements, fromElements } from '../test-support/elements.js';

const failingOn =
  (bad: number, message = `bad ${bad}`) =>
  (x: number) => {
    if (x === bad) throw new Error(message);
    return x;
  };

describe('run endings', () => {
  it('cancels through an AbortSignal, rejecting with PipelineAbortedError and leaving no timers', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const run = pipeline().from(interval(100)).to(collect()).run({ clock, signal: controller.signal });
    await clock.advanceBy(250);
    controller.abort('enough');
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineAbortedError);
    expect((error as PipelineAbortedError).name).toBe('AbortError');
    expect((error as PipelineAbortedError).stats.interval).toEqual({ in: 0, out: 2, errors: 0, skipped: 0 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const run = pipeline().from(range(0, 10)).to(collect()).run({ signal: AbortSignal.abort('no') });
    await expect(run).rejects.toBeInstanceOf(PipelineAbortedError);
  });

  it('drain stops the sources, lets in-flight items finish and resolves with status drained', async () => {
    const clock = new VirtualClock();
    const handle = pipeline()
      .from(interval(10))
      .pipe(mapAsync((x: number) => new Promise<number>((r) => clock.schedule(() => r(x * 10), 25)), { concurrency: 4 }))
      .to(collect())
      .start({ clock });
    await clock.advanceBy(40); // ticks 0..3 emitted; results of 0 and 1 done
    handle.drain();
    await clock.advanceBy(100);
    const { result, status } = await handle.result;
    expect(status).toBe('drained');
    expect(result).toEqual([0, 10, 20, 30]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('drain interrupts a source waiting on an async iterable', async () => {
    let release: () => void = () => undefined;
    async function* slow() {
      yield 1;
      await new Promise<void>((r) => (release = r));
      yield 2;
    }
    const handle = pipeline().from(fromAsyncIterable(slow())).to(collect()).start();
    await new Promise((r) => setTimeout(r, 5));
    handle.drain();
    const { result, status } = await handle.result;
    release();
    expect(result).toEqual([1]);
    expect(status).toBe('drained');
  });

  it('stops its sources, once the sinks are done, with an AbortError reason', async () => {
    const reasons: unknown[] = [];
    // A source that never ends by itself: take(2) ends the sink, the run then stops the source.
    const endless = defineProducer<number>('endless', {}, undefined, (ctx) => {
      ctx.signal.addEventListener('abort', () => reasons.push(ctx.signal.reason), { once: true });
      let n = 0;
      return { pull: (emit) => (emit(n++), true) };
    });
    for (let i = 0; i < 2; i++) {
      const { result } = await pipeline().from(endless).pipe(take(2)).to(collect()).run();
      expect(result).toEqual([0, 1]);
    }
    expect(reasons).toHaveLength(2);
    for (const r of reasons) {
      expect(r).toBeInstanceOf(DOMException);
      expect((r as DOMException).name).toBe('AbortError');
      expect((r as DOMException).message).toBe('the run stopped its sources');
    }
  });

  it('leaves no active handles after completion, failure and cancellation', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await pipeline().from(range(0, 1000)).pipe(map((x) => x + 1)).to(collect()).run();
    await pipeline().from(fromArray([1])).pipe(map(failingOn(1))).to(collect()).run().catch(() => undefined);
    const c = new AbortController();
    const p = pipeline().from(interval(1)).to(collect()).run({ signal: c.signal });
    c.abort();
    await p.catch(() => undefined);
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(after).toBe(before);
  });
});

describe('error strategies', () => {
  it('stop (default) fails the run with an error naming component, position and cause', async () => {
    const error = await pipeline()
      .from(fromArray([1, 2, 3]))
      .pipe(map(failingOn(2)))
      .to(collect())
      .run()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamWeaveError);
    const e = error as StreamWeaveError;
    expect(e.message).toBe('[map "map", item #1, attempt 1] failed: bad 2');
    expect(e.component).toEqual({ id: 'map', type: 'map' });
    expect(e.position).toBe(1);
    expect((e.cause as Error).message).toBe('bad 2');
  });

  it('skip drops and counts the failed item', async () => {
    const { result, stats } = await pipeline()
      .from(fromArray([1, 2, 3]))
      .pipe(map(failingOn(2)))
      .to(collect())
      .run({ errors: onError.skip() });
    expect(result).toEqual([1, 3]);
    expect(stats.map).toEqual({ in: 3, out: 2, errors: 1, skipped: 1 });
  });

  it('a component strategy overrides the pipeline strategy', async () => {
    const run = pipeline()
      .from(fromArray([1, 2, 3]))
      .pipe(map(failingOn(2), { errors: onError.stop() }))
      .to(collect())
      .run({ errors: onError.skip() });
    await expect(run).rejects.toThrow('bad 2');
  });

  it('retry re-invokes a sync function at once until it succeeds', async () => {
    let calls = 0;
    const { result, stats } = await pipeline()
      .from(fromArray([1]))
      .pipe(
        map((x: number) => {
          if (++calls < 3) throw new Error('flaky');
          return x;
        }),
      )
      .to(collect())
      .run({ errors: onError.retry({ maxAttempts: 3 }) });
    expect(result).toEqual([1]);
    expect(calls).toBe(3);
    expect(stats.map).toEqual({ in: 1, out: 1, errors: 2, skipped: 0 });
  });

  it('retry then onExhausted=skip', async () => {
    const { result, stats } = await pipeline()
      .from(fromArray([1, 2]))
      .pipe(filter((x: number) => failingOn(1)(x) > 0))
      .to(collect())
      .run({ errors: onError.retry({ maxAttempts: 2, onExhausted: 'skip' }) });
    expect(result).toEqual([2]);
    expect(stats.filter).toEqual({ in: 2, out: 1, errors: 2, skipped: 1 });
  });

  it('retry of an async stage waits with exponential backoff on the clock', async () => {
    const clock = new VirtualClock();
    const attempts: number[] = [];
    const run = pipeline()
      .from(fromArray([7]))
      .pipe(
        mapAsync(async (x: number) => {
          attempts.push(clock.now());
          if (attempts.length < 3) throw new Error('try again');
          return x;
        }),
      )
      .to(collect())
      .run({ clock, errors: onError.retry({ maxAttempts: 3, initialDelayMs: 100, factor: 2, jitter: 0 }) });
    await clock.advanceBy(1000);
    expect((await run).result).toEqual([7]);
    expect(attempts).toEqual([0, 100, 300]);
  });

  it('deadLetter sends the item and its error to the dead-letter consumer', async () => {
    const { result, deadLetter, stats } = await pipeline()
      .from(fromArray([1, 2, 3]))
      .pipe(map(failingOn(2)))
      .to(collect())
      .run({ errors: onError.deadLetter(), deadLetter: collect<DeadLetter>() });
    expect(result).toEqual([1, 3]);
    const letters = deadLetter as DeadLetter[];
    expect(letters).toHaveLength(1);
    expect(letters[0]!.item).toBe(2);
    expect(letters[0]!.error.component).toEqual({ id: 'map', type: 'map' });
    expect(letters[0]!.error.position).toBe(1);
    expect(letters[0]!.error.attempt).toBe(1);
    expect(stats.map).toEqual({ in: 3, out: 2, errors: 1, skipped: 1 });
  });

  it('deadLetter without a dead-letter consumer fails the run with a clear error', async () => {
    const run = pipeline().from(fromArray([1])).pipe(map(failingOn(1))).to(collect()).run({ errors: onError.deadLetter() });
    await expect(run).rejects.toThrow('error strategy chose the dead-letter route, but the run has no deadLetter consumer');
  });

  it('custom decides per failure', async () => {
    const { result, deadLetter } = await pipeline()
      .from(fromArray([1, 2, 3, 4]))
      .pipe(
        map((x: number) => {
          if (x % 2 === 0) throw new Error(x === 2 ? 'minor' : 'route');
          return x;
        }),
      )
      .to(collect())
      .run({
        errors: onError.custom(({ cause }) => ((cause as Error).message === 'minor' ? 'skip' : 'deadLetter')),
        deadLetter: collect<DeadLetter>(),
      });
    expect(result).toEqual([1, 3]);
    expect((deadLetter as DeadLetter[]).map((d) => d.item)).toEqual([4]);
  });

  it('custom that throws or returns nonsense stops the run naming the strategy', async () => {
    const boom = onError.custom(() => {
      throw new Error('decider broke');
    });
    await expect(pipeline().from(fromArray([1])).pipe(map(failingOn(1))).to(collect()).run({ errors: boom })).rejects.toThrow(
      'custom error strategy threw',
    );
    const weird = onError.custom(() => 'explode' as never);
    await expect(pipeline().from(fromArray([1])).pipe(map(failingOn(1))).to(collect()).run({ errors: weird })).rejects.toThrow(
      'custom error strategy returned an unknown action "explode"',
    );
  });

  it('custom can ask for a delayed retry', async () => {
    const clock = new VirtualClock();
    let n = 0;
    const run = pipeline()
      .from(fromArray([1]))
      .pipe(mapAsync(async (x: number) => (n++ === 0 ? Promise.reject(new Error('once')) : x)))
      .to(collect())
      .run({ clock, errors: onError.custom(() => ({ retryAfterMs: 50 })) });
    await clock.advanceBy(50);
    expect((await run).result).toEqual([1]);
  });

  it('a throwing producer is handled by the strategy and named in the error', async () => {
    let pulls = 0;
    const flaky = defineProducer<number>('flaky', {}, undefined, () => ({
      pull(emit) {
        pulls++;
        if (pulls === 1) throw new Error('disk hiccup');
        emit(pulls);
        return pulls < 3;
      },
    }));
    const ok = await pipeline().from(flaky).to(collect()).run({ errors: onError.retry({ maxAttempts: 2, initialDelayMs: 0 }) });
    expect(ok.result).toEqual([2, 3]);
    expect(ok.stats.flaky).toEqual({ in: 0, out: 2, errors: 1, skipped: 0 });

    const broken = defineProducer<number>('broken', {}, undefined, () => ({
      pull() {
        throw new Error('gone');
      },
    }));
    await expect(pipeline().from(broken).to(collect()).run()).rejects.toThrow('[broken "broken", item #0, attempt 1] failed: gone');
  });

  it('a producer that fails to open fails the run naming it', async () => {
    const bad = defineProducer<number>('bad', {}, undefined, () => {
      throw new Error('no such file');
    });
    await expect(pipeline().from(bad).to(collect()).run()).rejects.toThrow('[bad "bad"] failed to open source: no such file');
  });

  it('a throwing consumer is handled by its strategy', async () => {
    const sink = forEach((x: number) => {
      if (x === 2) throw new Error('sink says no');
    });
    const skipped = await pipeline().from(fromArray([1, 2, 3])).to(sink).run({ errors: onError.skip() });
    expect(skipped.result).toBe(2);
    expect(skipped.stats.forEach).toEqual({ in: 3, out: 0, errors: 1, skipped: 1 });
    await expect(pipeline().from(fromArray([1, 2, 3])).to(sink).run()).rejects.toThrow(
      '[forEach "forEach", item #1, attempt 1] failed: sink says no',
    );
  });

  it('an async consumer retries with backoff', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const run = pipeline()
      .from(fromArray([1, 2]))
      .to(
        forEach(async () => {
          if (++calls === 1) throw new Error('503');
        }),
      )
      .run({ clock, errors: onError.retry({ initialDelayMs: 10, jitter: 0 }) });
    await clock.advanceBy(10);
    expect((await run).result).toBe(2);
    expect(calls).toBe(3);
  });
});

describe('control signals', () => {
  it('every core operator forwards watermarks, barriers and end-of-stream in order', async () => {
    const { result } = await pipeline()
      .from(fromElements<number>([1, watermark(10), 2, checkpointBarrier(1, 0), 3, watermark(20), 4]))
      .pipe(map((x: number) => x * 10))
      .pipe(filter((x: number) => x !== 20))
      .pipe(mapAsync(async (x: number) => x + 1, { concurrency: 3 }))
      .to(collectElements())
      .run();
    expect(result).toEqual([11, 'wm:10', 'cp:1', 31, 'wm:20', 41, 'eos']);
  });

  it('injectBarrier emits a barrier at the source with its position and reports it at the sink', async () => {
    const clock = new VirtualClock();
    const sourceReports: Array<[string, number, JsonValue | undefined]> = [];
    const sinkReports: Array<[string, number]> = [];
    const handle = pipeline()
      .from(interval(10))
      .pipe(map((x: number) => x))
      .to(collectElements())
      .start({
        clock,
        checkpoints: {
          onSourceBarrier: (id, b, pos) => sourceReports.push([id, b.checkpointId, pos]),
          onSinkBarrier: (id, b) => sinkReports.push([id, b.checkpointId]),
        },
      });
    await clock.advanceBy(20);
    expect(handle.injectBarrier(checkpointBarrier(1, clock.now()))).toEqual(['interval']);
    await clock.advanceBy(10);
    handle.drain();
    await clock.advanceBy(10);
    const { result } = await handle.result;
    expect(result).toEqual([0, 1, 'cp:1', 2, 'eos']);
    expect(sourceReports).toEqual([['interval', 1, undefined]]);
    expect(sinkReports).toEqual([['collectElements', 1]]);
    expect(handle.injectBarrier(checkpointBarrier(2, 0))).toEqual([]);
  });

  it('records replayable positions at barriers and restores them', async () => {
    const positions: JsonValue[] = [];
    const ref: { handle?: { injectBarrier: (b: ReturnType<typeof checkpointBarrier>) => string[] } } = {};
    const seen: number[] = [];
    const handle = pipeline()
      .from(range(0, 10))
      .to(
        forEach((x: number) => {
          seen.push(x);
          if (x === 3) ref.handle!.injectBarrier(checkpointBarrier(1, 0));
        }),
      )
      .start({ creditWindow: 2, checkpoints: { onSourceBarrier: (_id, _b, pos) => positions.push(pos!) } });
    ref.handle = handle;
    await handle.result;
    expect(positions).toEqual([4]);
    const restored = await pipeline()
      .from(range(0, 10))
      .to(collect())
      .run({ restore: { positions: { range: positions[0]! } } });
    expect(restored.result).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('reports each source final position when it ends, before EndOfStream', async () => {
    const ends: Array<[string, JsonValue | undefined]> = [];
    await pipeline()
      .from(range(0, 5))
      .to(collect())
      .run({ checkpoints: { onSourceEnd: (id, pos) => ends.push([id, pos]) } });
    expect(ends).toEqual([['range', 5]]);
  });

  it('reports each sink that finished, also one that stopped early while another still runs', async () => {
    const ended: string[] = [];
    const g = graph()
      .source('numbers', range(0, 100))
      .transform('firstTwo', take<number>(2))
      .sink('few', collect<number>())
      .sink('all', collect<number>())
      .connect('numbers', 'firstTwo')
      .connect('firstTwo', 'few')
      .connect('numbers', 'all')
      .build();
    const { result } = await g.run({ checkpoints: { onSinkEnd: (id) => ended.push(id) } });
    expect(ended).toEqual(['few', 'all']);
    expect([(result.few as number[]).length, (result.all as number[]).length]).toEqual([2, 100]);
  });

  it('restoring a source that is not replayable fails naming it', async () => {
    const run = pipeline()
      .from(fromAsyncIterable((async function* () {})()))
      .to(collect())
      .run({ restore: { positions: { fromAsyncIterable: 3 } } });
    await expect(run).rejects.toThrow('[fromAsyncIterable "fromAsyncIterable"] cannot restore a position: this source is not replayable');
  });
});

describe('instrumentation hooks', () => {
  it('reports items in/out, errors, signals and backpressure waits', async () => {
    const events: string[] = [];
    let waited = 0;
    await pipeline()
      .from(fromArray([1, 2]))
      .pipe(map(failingOn(2)))
      .to(forEach(async () => undefined))
      .run({
        errors: onError.skip(),
        creditWindow: 1,
        hooks: {
          onItemIn: (id, x) => events.push(`in ${id} ${String(x)}`),
          onItemOut: (id, x) => events.push(`out ${id} ${String(x)}`),
          onError: (id, e) => events.push(`error ${id} ${e.position}`),
          onSignal: (id, s) => events.push(`signal ${id} ${(s as { kind: string }).kind}`),
          onBackpressure: () => waited++,
        },
      });
    expect(events).toEqual([
      'out fromArray 1',
      'in map 1',
      'out map 1',
      'in forEach 1',
      'out fromArray 2',
      'in map 2',
      'error map 1',
      'signal fromArray end',
      'signal map end',
    ]);
    expect(waited).toBeGreaterThanOrEqual(1);
  });

  it('reports end-to-end latency at sinks, carried across asynchronous stages', async () => {
    const clock = new VirtualClock();
    const latencies: Array<[string, number]> = [];
    const run = pipeline()
      .from(fromArray([1, 2]))
      .pipe(mapAsync((x: number) => new Promise<number>((r) => clock.schedule(() => r(x), 40 * x))))
      .pipe(map((x: number) => x))
      .to(collect())
      .run({ clock, hooks: { onLatency: (id, ms) => latencies.push([id, ms]) } });
    await clock.advanceBy(200);
    await run;
    // Both items left the source at t=0; item 1 took 40 ms, item 2 80 ms (it waited behind item 1, then its own 80 ms).
    expect(latencies).toEqual([
      ['collect', 40],
      ['collect', 120],
    ]);
  });

  it('rejects an invalid credit window', () => {
    expect(() => pipeline().from(range(0, 1)).to(collect()).start({ creditWindow: 0 })).toThrow(
      'run: creditWindow must be a positive integer, got 0',
    );
  });
});
