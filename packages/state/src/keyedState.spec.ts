import { collect, fromArray, InvalidArgumentError, pipeline, VirtualClock } from '@streamweave/core';
import { aggregatingState, keyedProcess, listState, mapState, reducingState, valueState } from '@streamweave/state';

describe('keyed state primitives', () => {
  it('value, list, map, reducing and aggregating state are scoped to the current key', async () => {
    const state = {
      last: valueState<number>(),
      all: listState<number>(),
      seen: mapState<number>(),
      max: reducingState((a: number, b: number) => Math.max(a, b)),
      avg: aggregatingState({
        create: (): [number, number] => [0, 0],
        add: ([s, n]: [number, number], v: number): [number, number] => [s + v, n + 1],
        result: ([s, n]) => s / n,
      }),
    };
    const { result } = await pipeline()
      .from(fromArray([['a', 1], ['b', 10], ['a', 3], ['a', 2], ['b', 20]] as Array<[string, number]>))
      .pipe(
        keyedProcess<[string, number], string, string, typeof state>({
          keyBy: ([k]) => k,
          state,
          processElement([, v], ctx) {
            const before = ctx.state.last.value();
            ctx.state.last.update(v);
            ctx.state.all.add(v);
            ctx.state.seen.put(String(v), (ctx.state.seen.get(String(v)) ?? 0) + 1);
            ctx.state.max.add(v);
            ctx.state.avg.add(v);
            ctx.emit(
              `${ctx.key} before=${String(before)} all=${ctx.state.all.get().join('|')} seen=${ctx.state.seen.size()} ` +
                `has1=${ctx.state.seen.has('1')} max=${ctx.state.max.get()} avg=${ctx.state.avg.get()}`,
            );
          },
        }),
      )
      .to(collect())
      .run();
    expect(result).toEqual([
      'a before=undefined all=1 seen=1 has1=true max=1 avg=1',
      'b before=undefined all=10 seen=1 has1=false max=10 avg=10',
      'a before=1 all=1|3 seen=2 has1=true max=3 avg=2',
      'a before=3 all=1|3|2 seen=3 has1=true max=3 avg=2',
      'b before=10 all=10|20 seen=2 has1=false max=20 avg=15',
    ]);
  });

  it('clear, update, remove and entries', async () => {
    const state = { v: valueState<string>({ defaultValue: 'none' }), l: listState<number>(), m: mapState<string>(), r: reducingState((a: number, b: number) => a + b), g: aggregatingState({ create: () => 0, add: (a: number, v: number) => a + v, result: (a) => a * 10 }) };
    const { result } = await pipeline()
      .from(fromArray([1, 2]))
      .pipe(
        keyedProcess<number, unknown, string, typeof state>({
          keyBy: () => 'k',
          state,
          processElement(x, ctx) {
            const s = ctx.state;
            if (x === 1) {
              s.v.update('one');
              s.l.update([7, 8]);
              s.m.put('p', 'q');
              s.m.put('r', 's');
              s.m.remove('p');
              s.r.add(5);
              s.g.add(2);
              ctx.emit([s.v.value(), s.l.get(), s.m.entries(), s.r.get(), s.g.get()]);
              return;
            }
            s.v.clear();
            s.l.clear();
            s.m.remove('r');
            s.r.clear();
            s.g.clear();
            s.m.put('z', 'z');
            s.m.clear();
            ctx.emit([s.v.value(), s.l.get(), s.m.entries(), s.m.get('r'), s.r.get(), s.g.get()]);
          },
        }),
      )
      .to(collect())
      .run();
    expect(result).toEqual([
      ['one', [7, 8], [['r', 's']], 5, 20],
      ['none', [], [], undefined, undefined, undefined],
    ]);
  });

  it('expires values after their TTL (by the run clock)', async () => {
    const clock = new VirtualClock(0);
    const state = { v: valueState<number>({ ttlMs: 100 }) };
    const seen: unknown[] = [];
    const handle = pipeline()
      .from(fromArray([1, 2, 3]))
      .pipe(
        keyedProcess<number, never, string, typeof state>({
          keyBy: () => 'k',
          state,
          processElement(x, ctx) {
            seen.push(ctx.state.v.value());
            if (x === 1) ctx.state.v.update(42);
          },
        }),
      )
      .to(collect())
      .start({ clock });
    await handle.result;
    // All three items ran at t=0: the value is still alive for items 2 and 3.
    expect(seen).toEqual([undefined, 42, 42]);
  });

  it('a value written and read later than its TTL reads as absent', async () => {
    const clock = new VirtualClock(0);
    const state = { v: valueState<number>({ ttlMs: 100 }) };
    const seen: unknown[] = [];
    const fn = keyedProcess<string, never, string, typeof state>({
      keyBy: () => 'k',
      state,
      processElement(x, ctx) {
        if (x === 'write') ctx.state.v.update(1);
        else seen.push(ctx.state.v.value());
      },
    });
    const { fromObservable } = await import('@streamweave/core');
    const { Subject } = await import('rxjs');
    const subject = new Subject<string>();
    const push = (x: string) => subject.next(x);
    const handle = pipeline().from(fromObservable(subject)).pipe(fn).to(collect()).start({ clock });
    await clock.advanceBy(1);
    push('write');
    push('read');
    await clock.advanceBy(150);
    push('read');
    subject.complete();
    await handle.result;
    expect(seen).toEqual([1, undefined]);
  });

  it('rejects bad declarations with clear errors', () => {
    expect(() => valueState({ ttlMs: 0 })).toThrow(new InvalidArgumentError('valueState: ttlMs must be a positive number, got 0'));
    expect(() => reducingState(42 as never)).toThrow('reducingState: `reduce` must be a function, got number');
    expect(() => aggregatingState({} as never)).toThrow('aggregatingState: expected an aggregate function with create, add and result');
  });
});
