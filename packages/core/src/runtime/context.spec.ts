import {
  branch,
  collect,
  defineTransformer,
  fromAsyncIterable,
  groupBy,
  loadBalance,
  type NodeContext,
  pipeline,
  PipelineAbortedError,
  type Transformer,
} from '../index.js';

/** A transformer that records, per run, whether its context's signal was aborted when the run ended. */
function signalProbe<T>(seen: AbortSignal[]): Transformer<T, T> {
  return defineTransformer<T, T>('probe', {}, undefined, (out, ctx: NodeContext) => {
    seen.push(ctx.signal);
    return { item: (v) => out.next(v) };
  });
}

describe('node contexts', () => {
  it('give every node, also nested ones (branch, groupBy), a signal that aborts when the run is cancelled', async () => {
    const seen: AbortSignal[] = [];
    async function* forever() {
      for (let i = 0; ; i++) {
        yield i;
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    const handle = pipeline()
      .from(fromAsyncIterable(forever()))
      .pipe(signalProbe(seen))
      .pipe(branch(loadBalance(['a', 'b']), { a: signalProbe(seen), b: signalProbe(seen) }))
      .pipe(groupBy((x) => Number(x) % 2, () => signalProbe(seen)))
      .to(collect())
      .start();
    await new Promise((r) => setTimeout(r, 30));
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen.every((s) => s instanceof AbortSignal && !s.aborted)).toBe(true);
    handle.cancel('enough');
    await expect(handle.result).rejects.toBeInstanceOf(PipelineAbortedError);
    expect(seen.map((s) => [s.aborted, s.reason])).toEqual(seen.map(() => [true, 'enough']));
  });

  it('a signal read only after the run ended is already aborted; a cancel without a reason gives an AbortError', async () => {
    let ctxOf: NodeContext | undefined;
    const keep = defineTransformer<number, number>('keep', {}, undefined, (out, ctx) => {
      ctxOf = ctx;
      return { item: (v) => out.next(v) };
    });
    async function* slow() {
      yield 1;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const handle = pipeline().from(fromAsyncIterable(slow())).pipe(keep).to(collect()).start();
    await new Promise((r) => setTimeout(r, 10));
    handle.cancel();
    await expect(handle.result).rejects.toThrow(PipelineAbortedError);
    expect(ctxOf!.signal.aborted).toBe(true);
    expect((ctxOf!.signal.reason as DOMException).name).toBe('AbortError');
    const { fail } = ctxOf!; // an own function: works detached
    expect(fail(new Error('x'), 1, 0, 1).action).toBe('stop');
  });
});
