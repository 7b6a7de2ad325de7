import { collect, convertInSource, defineProducer, onError, pipeline, skippedInput, StreamWeaveError } from '../index.js';

/** A source of raw strings converted with `Number.parseInt`-like strictness inside the source. */
function numbers(raw: readonly string[], log: string[]) {
  const strict = (s: string) => {
    log.push(`convert ${s}`);
    if (!/^\d+$/.test(s)) throw new Error(`not a number: ${s}`);
    return Number(s);
  };
  const named = (e: unknown, s: string) => new StreamWeaveError(`cannot convert "${s}"`, { cause: e });
  return defineProducer<number>('numbers', {}, undefined, (ctx) => {
    let i = 0;
    return {
      pull(emit) {
        if (i >= raw.length) return false;
        const item = convertInSource(ctx, raw[i]!, i, strict, named);
        i++;
        if (item !== skippedInput) emit(item);
        return true;
      },
    };
  });
}

describe('convertInSource', () => {
  it('emits converted inputs and moves past one the strategy skips, counting it once', async () => {
    const log: string[] = [];
    const { result, stats } = await pipeline().from(numbers(['1', 'x', '3'], log)).to(collect()).run({ errors: onError.skip() });
    expect(result).toEqual([1, 3]);
    expect(log).toEqual(['convert 1', 'convert x', 'convert 3']);
    expect(stats['numbers']).toMatchObject({ out: 2, errors: 1, skipped: 1 });
  });

  it('dead-letters the raw input with the described error', async () => {
    const { result, deadLetter } = await pipeline()
      .from(numbers(['1', 'x'], []))
      .to(collect())
      .run({ errors: onError.deadLetter(), deadLetter: collect() });
    expect(result).toEqual([1]);
    const letters = deadLetter as Array<{ item: unknown; error: Error }>;
    expect(letters.map((l) => l.item)).toEqual(['x']);
    expect(letters[0]!.error.message).toBe('[numbers "numbers", item #1, attempt 1] failed: cannot convert "x": not a number: x');
  });

  it('retries the conversion at once as often as the strategy says, then stops with the error naming component, position and cause', async () => {
    const log: string[] = [];
    const error = await pipeline()
      .from(numbers(['1', 'x'], log))
      .to(collect())
      .run({ errors: onError.retry({ maxAttempts: 3, initialDelayMs: 0, jitter: 0 }) })
      .catch((e: unknown) => e);
    expect(log).toEqual(['convert 1', 'convert x', 'convert x', 'convert x']);
    expect((error as Error).message).toBe('[numbers "numbers", item #1, attempt 3] failed: cannot convert "x": not a number: x');
  });

  it('returns the value when a retry succeeds, and passes the dead-letter item given', () => {
    let calls = 0;
    const flaky = (s: string) => {
      if (++calls === 1) throw new Error('transient');
      return s.length;
    };
    const decisions: unknown[] = [];
    const ctx = {
      fail: (cause: unknown, item: unknown, position: number, attempt: number) => {
        decisions.push({ cause: (cause as Error).message, item, position, attempt });
        return { action: 'retry' as const, delayMs: 0, error: new StreamWeaveError('x') };
      },
    };
    expect(convertInSource(ctx, 'abc', 7, flaky, undefined, { raw: 'abc' })).toBe(3);
    expect(decisions).toEqual([{ cause: 'transient', item: { raw: 'abc' }, position: 7, attempt: 1 }]);
  });
});
