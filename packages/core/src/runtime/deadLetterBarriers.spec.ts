import {
  checkpointBarrier,
  collect,
  type DeadLetter,
  defineConsumer,
  forEach,
  graph,
  interval,
  map,
  onError,
  pipeline,
  range,
  StreamWeaveError,
  take,
  VirtualClock,
} from '../index.js';

/** A dead-letter route whose writes finish only when the test says so. */
function manualRoute() {
  const pending: Array<{ item: unknown; done: () => void; fail: (e: Error) => void }> = [];
  const barriers: number[] = [];
  const written: unknown[] = [];
  const route = defineConsumer<DeadLetter, readonly unknown[]>('manualRoute', {}, undefined, () => ({
    item(value) {
      const letter = value as DeadLetter;
      return new Promise<void>((resolve, reject) => {
        pending.push({
          item: letter.item,
          done: () => {
            written.push(letter.item);
            resolve();
          },
          fail: reject,
        });
      });
    },
    signal(s) {
      if (s.kind === 'barrier') barriers.push(s.checkpointId);
    },
    complete: () => written,
  }));
  return { route, pending, barriers, written };
}

const failingOn = (bad: number) => (x: number) => {
  if (x === bad) throw new Error(`bad ${bad}`);
  return x;
};

describe('dead-letter route and checkpoint barriers', () => {
  it('reports a barrier at the sink only after the dead letters routed before it are written', async () => {
    const clock = new VirtualClock();
    const { route, pending, barriers } = manualRoute();
    const sinkReports: number[] = [];
    const handle = pipeline()
      .from(interval(10))
      .pipe(map(failingOn(1)))
      .to(collect())
      .start({
        clock,
        errors: onError.deadLetter(),
        deadLetter: route,
        checkpoints: { onSinkBarrier: (_id, b) => sinkReports.push(b.checkpointId) },
      });
    await clock.advanceBy(25);
    expect(pending.map((p) => p.item)).toEqual([1]);
    handle.injectBarrier(checkpointBarrier(1, clock.now()));
    await clock.advanceBy(10);
    // The sink has handled barrier 1, but dead letter 1 is not written: nothing reported yet.
    expect(sinkReports).toEqual([]);
    expect(barriers).toEqual([]);
    pending[0]!.done();
    await clock.advanceBy(0);
    expect(barriers).toEqual([1]);
    expect(sinkReports).toEqual([1]);
    // With no dead letter open, the next barrier is reported as soon as the route has it.
    handle.injectBarrier(checkpointBarrier(2, clock.now()));
    await clock.advanceBy(10);
    expect(sinkReports).toEqual([1, 2]);
    handle.drain();
    await clock.advanceBy(10);
    const { result, deadLetter } = await handle.result;
    expect(result).toEqual([0, 2, 3]);
    expect(deadLetter).toEqual([1]);
  });

  it('hands the route a barrier only once every running sink has it, and holds a sink end behind it', async () => {
    const clock = new VirtualClock();
    const { route, pending, barriers } = manualRoute();
    const reports: string[] = [];
    const g = graph()
      .source('numbers', interval(10))
      .transform('checked', map(failingOn(0)))
      .transform('firstThree', take<number>(3))
      .sink('few', collect<number>())
      .sink('all', collect<number>())
      .connect('numbers', 'checked')
      .connect('checked', 'firstThree')
      .connect('firstThree', 'few')
      .connect('numbers', 'all')
      .build();
    const handle = g.start({
      clock,
      errors: onError.deadLetter(),
      deadLetter: route,
      checkpoints: { onSinkBarrier: (id, b) => reports.push(`${id}:${b.checkpointId}`), onSinkEnd: (id) => reports.push(`${id}:end`) },
    });
    await clock.advanceBy(15);
    handle.injectBarrier(checkpointBarrier(1, clock.now()));
    await clock.advanceBy(30);
    // 'few' ended after 1, 2, 3 and 'all' has barrier 1: the route has it, dead letter 0 still open.
    expect(pending.map((p) => p.item)).toEqual([0]);
    expect(reports).toEqual([]);
    pending[0]!.done();
    await clock.advanceBy(0);
    expect(barriers).toEqual([1]);
    expect(reports.sort()).toEqual(['all:1', 'few:1', 'few:end']);
    handle.drain();
    await clock.advanceBy(10);
    await handle.result;
    expect(reports).toContain('all:end');
  });

  it('fails the run with the route error as soon as a dead letter cannot be written, whatever the run strategy', async () => {
    const clock = new VirtualClock();
    const { route, pending } = manualRoute();
    const sinkReports: number[] = [];
    const handle = pipeline()
      .from(interval(10))
      .pipe(map(failingOn(1)))
      .to(collect())
      .start({ clock, errors: onError.deadLetter(), deadLetter: route, checkpoints: { onSinkBarrier: (_id, b) => sinkReports.push(b.checkpointId) } });
    await clock.advanceBy(25);
    handle.injectBarrier(checkpointBarrier(1, clock.now()));
    await clock.advanceBy(10);
    pending[0]!.fail(new Error('topic is gone'));
    const error = await handle.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamWeaveError);
    expect((error as StreamWeaveError).component).toEqual({ id: '$deadLetter', type: 'manualRoute' });
    expect((error as StreamWeaveError).position).toBe(0);
    expect(((error as StreamWeaveError).cause as Error).message).toBe('topic is gone');
    // The barrier behind the lost dead letter was never reported.
    expect(sinkReports).toEqual([]);
  });

  it('a plain route (no checkpoint listener) gets each barrier after the sink, behind the dead letters before it', async () => {
    const seen: string[] = [];
    const route = defineConsumer<DeadLetter, null>('plainRoute', {}, undefined, () => ({
      item: (v) => void seen.push(`dl:${String((v as DeadLetter).item)}`),
      signal: (s) => void (s.kind === 'barrier' && seen.push(`dl:cp${s.checkpointId}`)),
      complete: () => null,
    }));
    const ref: { handle?: { injectBarrier: (b: ReturnType<typeof checkpointBarrier>) => string[] } } = {};
    const handle = pipeline()
      .from(range(0, 5))
      .pipe(map(failingOn(1)))
      .to(
        forEach((x: number) => {
          seen.push(`sink:${x}`);
          if (x === 2) ref.handle!.injectBarrier(checkpointBarrier(1, 0));
        }),
      )
      .start({ creditWindow: 1, errors: onError.deadLetter(), deadLetter: route });
    ref.handle = handle;
    const { deadLetter } = await handle.result;
    expect(deadLetter).toBeNull();
    expect(seen).toEqual(['sink:0', 'dl:1', 'sink:2', 'dl:cp1', 'sink:3', 'sink:4']);
  });
});
