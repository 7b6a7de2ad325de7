import { collect, fromAsyncIterable, InvalidArgumentError, pipeline, VirtualClock } from '../index.js';
import { timeout, TimeoutError } from './timeout.js';

function gated(values: number[], gates: Array<Promise<void>>): AsyncIterable<number> {
  return (async function* () {
    for (let i = 0; i < values.length; i++) {
      await gates[i];
      yield values[i]!;
    }
  })();
}

describe('timeout', () => {
  it('fails with TimeoutError when the gap between items exceeds ms', async () => {
    const clock = new VirtualClock();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const run = pipeline().from(fromAsyncIterable(gated([1, 2], [Promise.resolve(), gate]))).pipe(timeout<number>(100)).to(collect()).run({ clock });
    const failure = run.catch((e: unknown) => e);
    await clock.settle();
    await clock.advanceBy(150);
    const e = await failure;
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e as Error).message).toMatch(/timeout .*item #1.*no item within 100 ms/);
    open();
  });
  it('passes a stream whose items come in time, and only watches the first item in first mode', async () => {
    const clock = new VirtualClock();
    const run = pipeline().from(fromAsyncIterable(gated([1, 2], [Promise.resolve(), Promise.resolve()]))).pipe(timeout<number>(100, { mode: 'first' })).to(collect()).run({ clock });
    await clock.settle();
    await clock.advanceBy(500);
    expect((await run).result).toEqual([1, 2]);
    expect(() => timeout(0)).toThrow(InvalidArgumentError);
  });
});
