import { firstValueFrom, toArray } from 'rxjs';
import {
  collect,
  filter,
  fromArray,
  InvalidArgumentError,
  map,
  pipeline,
  range,
  reduceTo,
  take,
  interval,
  VirtualClock,
} from './index.js';

describe('pipeline()', () => {
  it('runs a typed pipeline and reports per-node stats', async () => {
    const { result, stats, status } = await pipeline()
      .from(fromArray([1, 2, 3]))
      .pipe(map((x) => x * 2))
      .pipe(filter((x) => x > 2))
      .to(collect())
      .run();
    expect(result).toEqual([4, 6]);
    expect(status).toBe('completed');
    expect(stats).toEqual({
      fromArray: { in: 0, out: 3, errors: 0, skipped: 0 },
      map: { in: 3, out: 3, errors: 0, skipped: 0 },
      filter: { in: 3, out: 2, errors: 0, skipped: 0 },
      collect: { in: 2, out: 0, errors: 0, skipped: 0 },
    });
  });

  it('gives repeated operator types stable ids and uses names as ids', async () => {
    const p = pipeline()
      .from(range(0, 3))
      .pipe(map((x: number) => x + 1))
      .pipe(map((x: number) => x + 1))
      .pipe(map((x: number) => x + 1, { name: 'third' }))
      .to(reduceTo((a: number, x: number) => a + x, 0));
    const d = p.describe();
    expect(d.nodes.map((n) => n.id)).toEqual(['range', 'map', 'map-2', 'third', 'reduceTo']);
    expect(d.edges).toEqual([
      { from: 'range.out', to: 'map.in' },
      { from: 'map.out', to: 'map-2.in' },
      { from: 'map-2.out', to: 'third.in' },
      { from: 'third.out', to: 'reduceTo.in' },
    ]);
    expect(d.nodes[0]).toEqual({ id: 'range', kind: 'producer', type: 'range', params: { start: 0, count: 3 }, inputs: [], outputs: ['out'] });
    expect(d.nodes[3]).toMatchObject({ name: 'third', params: { fn: '<function>' } });
    expect((await p.run()).result).toBe(12);
  });

  it('describes itself as JSON-serializable plain data', () => {
    const d = pipeline().from(fromArray([1])).to(collect()).describe();
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    expect(d.version).toBe(1);
  });

  it('rejects duplicate node names', () => {
    expect(() =>
      pipeline()
        .from(fromArray([1], { name: 'a' }))
        .pipe(map((x: number) => x, { name: 'a' }))
        .to(collect()),
    ).toThrow('pipeline: duplicate node name "a"');
  });

  it('gives JavaScript callers passing wrong shapes a clear error', () => {
    expect(() => pipeline().from({} as never)).toThrow(InvalidArgumentError);
    expect(() => pipeline().from(null as never)).toThrow('pipeline().from: expected a producer');
    expect(() => pipeline().from(fromArray([1])).pipe(collect() as never)).toThrow('pipe: expected a transformer');
    expect(() => pipeline().from(fromArray([1])).to(map((x) => x) as never)).toThrow('to: expected a consumer');
    expect(() => map(5 as never)).toThrow('map: `fn` must be a function, got number');
  });

  it('still validates a chain whose nodes declare other ports than in and out', () => {
    const doubled = map((x: number) => x * 2);
    const twoOutputs = { ...doubled, descriptor: { ...doubled.descriptor, outputs: ['out', 'rejects'] } };
    expect(() => pipeline().from(fromArray([1])).pipe(twoOutputs).to(collect())).toThrow(
      'dangling port(s): output "map.rejects" is not connected',
    );
    const noInput = { ...doubled, descriptor: { ...doubled.descriptor, inputs: [] } };
    expect(() => pipeline().from(fromArray([1])).pipe(noInput).to(collect())).toThrow('node "map" has no input port "in" (its inputs: none)');
  });

  it('can run the same pipeline twice', async () => {
    const p = pipeline().from(range(0, 3)).to(collect());
    expect((await p.run()).result).toEqual([0, 1, 2]);
    expect((await p.run()).result).toEqual([0, 1, 2]);
  });

  it('observe() is a cold Observable of the data items', async () => {
    const items = await firstValueFrom(
      pipeline()
        .from(range(0, 4))
        .pipe(map((x) => x * x))
        .observe()
        .pipe(toArray()),
    );
    expect(items).toEqual([0, 1, 4, 9]);
  });

  it('unsubscribing from observe() cancels the run', async () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    const sub = pipeline().from(interval(10)).observe({ clock }).subscribe((x) => seen.push(x));
    await clock.advanceBy(30);
    sub.unsubscribe();
    await clock.advanceBy(100);
    expect(seen).toEqual([0, 1, 2]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('observe() errors when the run fails', async () => {
    const failing = pipeline()
      .from(fromArray([1]))
      .pipe(
        map(() => {
          throw new Error('boom');
        }),
      )
      .observe();
    await expect(firstValueFrom(failing)).rejects.toThrow('[map "map", item #0, attempt 1] failed: boom');
  });

  it('take() ends the run and stops an unbounded source', async () => {
    const { result, stats } = await pipeline().from(range(0, Infinity)).pipe(take(5)).to(collect()).run();
    expect(result).toEqual([0, 1, 2, 3, 4]);
    expect(stats.take).toMatchObject({ out: 5 });
  });
});
