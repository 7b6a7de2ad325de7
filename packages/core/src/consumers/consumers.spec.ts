import { type Observable, Subject } from 'rxjs';
import { collect, forEach, fromArray, pipeline, range, reduceTo, toConsole, toObservable, map, onError } from '../index.js';

describe('consumers', () => {
  it('collect gathers data items and can be bounded', async () => {
    expect((await pipeline().from(range(0, 3)).to(collect()).run()).result).toEqual([0, 1, 2]);
    await expect(pipeline().from(range(0, 3)).to(collect({ maxItems: 2 })).run()).rejects.toThrow(
      '[collect "collect", item #2] more than maxItems=2 items',
    );
    expect(() => collect({ maxItems: -1 })).toThrow('collect: `maxItems` must be a non-negative integer, got -1');
  });

  it('forEach handles sync and async callbacks in order and counts them', async () => {
    const seen: Array<[number, number]> = [];
    const { result } = await pipeline()
      .from(fromArray([3, 1, 2]))
      .to(
        forEach(async (x: number, position) => {
          await new Promise((r) => setTimeout(r, x));
          seen.push([x, position]);
        }),
      )
      .run();
    expect(result).toBe(3);
    expect(seen).toEqual([
      [3, 0],
      [1, 1],
      [2, 2],
    ]);
    expect(() => forEach(null as never)).toThrow('forEach: `fn` must be a function, got null');
  });

  it('an async forEach failure that is skipped continues with the next item', async () => {
    const seen: number[] = [];
    const { result, stats } = await pipeline()
      .from(fromArray([1, 2, 3]))
      .to(
        forEach(async (x: number) => {
          if (x === 2) throw new Error('nope');
          seen.push(x);
        }),
      )
      .run({ errors: onError.skip() });
    expect(seen).toEqual([1, 3]);
    expect(result).toBe(2);
    expect(stats.forEach!.skipped).toBe(1);
  });

  it('reduceTo folds into one value', async () => {
    expect((await pipeline().from(range(1, 4)).to(reduceTo((s: number, x: number) => s + x, 0)).run()).result).toBe(10);
  });

  it('toConsole writes items with an optional prefix and formatter', async () => {
    const lines: unknown[][] = [];
    const log = (...args: unknown[]) => lines.push(args);
    await pipeline().from(fromArray([1, 2])).to(toConsole({ log })).run();
    await pipeline()
      .from(fromArray([1, 2]))
      .to(toConsole({ log, prefix: 'n =', format: (x: number, i) => `${x}@${i}` }))
      .run();
    expect(lines).toEqual([[1], [2], ['n =', '1@0'], ['n =', '2@1']]);
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    expect((await pipeline().from(fromArray(['x'])).to(toConsole()).run()).result).toBe(1);
    expect(spy).toHaveBeenCalledWith('x');
    spy.mockRestore();
  });

  it('toObservable republishes items and completes or errors with the run', async () => {
    const sink = toObservable<number>();
    const seen: number[] = [];
    let completed = false;
    sink.observable.subscribe({ next: (x) => seen.push(x), complete: () => (completed = true) });
    expect((await pipeline().from(range(0, 3)).to(sink).run()).result).toBe(3);
    expect(seen).toEqual([0, 1, 2]);
    expect(completed).toBe(true);

    const failing = toObservable<number>();
    const errors: unknown[] = [];
    failing.observable.subscribe({ error: (e: unknown) => errors.push(e) });
    await expect(
      pipeline()
        .from(fromArray([1]))
        .pipe(
          map(() => {
            throw new Error('bad');
          }),
        )
        .to(failing)
        .run(),
    ).rejects.toThrow('bad');
    expect(errors).toHaveLength(1);
  });

  it('a consumer whose completion rejects fails the run', async () => {
    const { defineConsumer } = await import('../index.js');
    const broken = defineConsumer<number, void>('broken', {}, undefined, () => ({
      item: () => undefined,
      complete: () => Promise.reject(new Error('flush failed')),
    }));
    await expect(pipeline().from(range(0, 1)).to(broken).run()).rejects.toThrow('flush failed');
    const throwing = defineConsumer<number, void>('throwing', {}, undefined, () => ({
      item: () => undefined,
      complete: () => {
        throw new Error('close failed');
      },
    }));
    await expect(pipeline().from(range(0, 1)).to(throwing).run()).rejects.toThrow('close failed');
    void Subject;
  });
});

describe('consumer signal order', () => {
  it('a signal reaches an async consumer only after every item before it was handled', async () => {
    const { defineConsumer, checkpointBarrier, watermark } = await import('../index.js');
    const { fromElements } = await import('../test-support/elements.js');
    const log: string[] = [];
    const slowSink = defineConsumer<number, string[]>('slowSink', {}, undefined, () => ({
      item: async (x) => {
        await new Promise((r) => setTimeout(r, 2));
        log.push(`item ${String(x)}`);
      },
      signal: (s) => void log.push(`signal ${s.kind}`),
      complete: () => log,
    }));
    const { result } = await pipeline()
      .from(fromElements<number>([1, 2, checkpointBarrier(1, 0), 3, watermark(5)]))
      .to(slowSink)
      .run();
    expect(result).toEqual(['item 1', 'item 2', 'signal barrier', 'item 3', 'signal watermark', 'signal end']);
  });
});

describe('sink barrier acknowledgement', () => {
  it('onSinkBarrier fires only after the sink handled every item before the barrier', async () => {
    const { checkpointBarrier, forEach: each } = await import('../index.js');
    const { fromElements } = await import('../test-support/elements.js');
    const log: string[] = [];
    await pipeline()
      .from(fromElements<number>([1, 2, checkpointBarrier(7, 0), 3]))
      .to(
        each(async (x: number) => {
          await new Promise((r) => setTimeout(r, 2));
          log.push(`item ${x}`);
        }),
      )
      .run({ checkpoints: { onSinkBarrier: (id, b) => log.push(`ack ${id} ${b.checkpointId}`) } });
    expect(log).toEqual(['item 1', 'item 2', 'ack forEach 7', 'item 3']);
  });

  it('a hand-written consumer without acknowledgement support is reported on arrival', async () => {
    const { checkpointBarrier } = await import('../index.js');
    const { fromElements } = await import('../test-support/elements.js');
    const acks: number[] = [];
    const plain = {
      descriptor: { kind: 'consumer' as const, type: 'plain', params: {}, inputs: ['in'] },
      consume: (input: Observable<unknown>) =>
        new Promise<void>((resolve) => input.subscribe({ complete: () => resolve() })),
    };
    await pipeline()
      .from(fromElements<number>([1, checkpointBarrier(3, 0)]))
      .to(plain)
      .run({ checkpoints: { onSinkBarrier: (_id, b) => acks.push(b.checkpointId) } });
    expect(acks).toEqual([3]);
  });
});

describe('asynchronous signal handlers', () => {
  it('a barrier flush holds later items and delays the acknowledgement until it settles', async () => {
    const { checkpointBarrier, defineConsumer } = await import('../index.js');
    const { fromElements } = await import('../test-support/elements.js');
    const log: string[] = [];
    const flushing = defineConsumer<number, void>('flushing', {}, undefined, () => ({
      item: (x) => void log.push(`item ${String(x)}`),
      signal: async (s) => {
        if (s.kind !== 'barrier') return;
        await new Promise((r) => setTimeout(r, 3));
        log.push('flushed');
      },
      complete: () => undefined,
    }));
    await pipeline()
      .from(fromElements<number>([1, checkpointBarrier(2, 0), 3]))
      .to(flushing)
      .run({ checkpoints: { onSinkBarrier: (_id, b) => log.push(`ack ${b.checkpointId}`) } });
    expect(log).toEqual(['item 1', 'flushed', 'ack 2', 'item 3']);
  });

  it('a failing signal handler fails the run', async () => {
    const { checkpointBarrier, defineConsumer } = await import('../index.js');
    const { fromElements } = await import('../test-support/elements.js');
    const broken = (asyncFailure: boolean) =>
      defineConsumer<number, void>('broken', {}, undefined, () => ({
        item: () => undefined,
        signal: (s) => {
          if (s.kind !== 'barrier') return undefined;
          if (asyncFailure) return Promise.reject(new Error('flush failed'));
          throw new Error('flush threw');
        },
        complete: () => undefined,
      }));
    await expect(pipeline().from(fromElements<number>([1, checkpointBarrier(1, 0)])).to(broken(true)).run()).rejects.toThrow('flush failed');
    await expect(pipeline().from(fromElements<number>([1, checkpointBarrier(1, 0)])).to(broken(false)).run()).rejects.toThrow('flush threw');
  });
});
