import { collect, defineProducer, onError, pipeline, StreamWeaveError, VirtualClock } from '../index.js';

// A source that applies its own strategy (to decide what "skip" means for it) and rethrows a stop.
function selfHandlingSource(calls: { pulls: number }) {
  return defineProducer<number>('selfHandling', {}, undefined, (ctx) => ({
    pull() {
      calls.pulls++;
      for (let attempt = 1; ; attempt++) {
        const d = ctx.fail(new Error('disk gone'), undefined, 0, attempt);
        if (d.action === 'stop') throw d.error;
        if (d.action !== 'retry') return false;
      }
    },
  }));
}

describe('resolveFailure with a rethrown stop decision', () => {
  it('stops at once without counting or re-applying the strategy a second time', async () => {
    const calls = { pulls: 0 };
    const handle = pipeline()
      .from(selfHandlingSource(calls))
      .to(collect())
      .start({ clock: new VirtualClock(), errors: onError.retry({ maxAttempts: 3, initialDelayMs: 0, jitter: 0 }) });
    const error = await handle.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamWeaveError);
    expect((error as Error).message).toBe('[selfHandling "selfHandling", item #0, attempt 3] failed: disk gone');
    expect(calls.pulls).toBe(1);
    expect(handle.stats()['selfHandling']).toEqual({ in: 0, out: 0, errors: 3, skipped: 0 });
  });

  it('marks stops decided by custom strategies and terminal actions too', async () => {
    const calls = { pulls: 0 };
    const decide = jest.fn(() => 'stop' as const);
    const handle = pipeline().from(selfHandlingSource(calls)).to(collect()).start({ errors: onError.custom(decide) });
    await expect(handle.result).rejects.toThrow('disk gone');
    expect(decide).toHaveBeenCalledTimes(1);
    expect(handle.stats()['selfHandling']!.errors).toBe(1);
  });
});

describe('a source whose pull keeps failing under skip', () => {
  it('still yields to the event loop, so timers and I/O run between the failed pulls', async () => {
    let timerFired = false;
    let failures = 0;
    const source = defineProducer<number>('flaky', {}, undefined, () => ({
      pull() {
        if (timerFired) return false;
        // Bounded so that the old behaviour (never yielding) ends instead of hanging the test.
        if (++failures > 2_000_000) return false;
        throw new Error('unreadable record');
      },
    }));
    setTimeout(() => (timerFired = true), 0);
    const handle = pipeline().from(source).to(collect()).start({ errors: onError.skip() });
    await handle.result;
    expect(timerFired).toBe(true);
    expect(failures).toBeLessThan(2_000_000);
    expect(handle.stats()['flaky']).toMatchObject({ out: 0, errors: failures, skipped: failures });
  });
});
