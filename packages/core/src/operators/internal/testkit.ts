/** Test support for the operator library's specs: runs an operator and records data and signals. @internal */
import type { Consumer, Producer, Transformer } from '../../contracts.js';
import { defineProducer } from '../../internal/defineProducer.js';
import { VirtualClock } from '../../virtualClock.js';
import { defineConsumer } from '../../internal/define.js';
import { fromArray } from '../../producers/fromArray.js';
import { pipeline } from '../../pipelineBuilder.js';
import type { RunOptions } from '../../runtime/run.js';
import { type Element, type Signal } from '../../signals.js';

/** A signal as short text: `W<t>`, `B<id>`, `END`. */
export function signalText(s: Signal): string {
  return s.kind === 'watermark' ? `W${s.timestamp}` : s.kind === 'barrier' ? `B${s.checkpointId}` : 'END';
}

/** A consumer that records every element, signals as text. */
export function record<T>(): Consumer<T, Array<T | string>> {
  return defineConsumer<T, Array<T | string>>('record', {}, undefined, () => {
    const seen: Array<T | string> = [];
    return {
      item: (v) => void seen.push(v as T),
      signal: (s) => void seen.push(signalText(s)),
      complete: () => seen,
    };
  });
}

/** Runs `op` over `input` (data and signals) and returns what it emitted, signals as text. */
export async function runOp<I, O>(op: Transformer<I, O>, input: ReadonlyArray<Element<I>>, options?: RunOptions): Promise<Array<O | string>> {
  const { result } = await pipeline().from(fromArray<I>(input as I[])).pipe(op).to(record<O>()).run(options);
  return result;
}

/** A source emitting each element at its virtual time `at` (ms since the run's clock start). */
export function timed<T>(schedule: ReadonlyArray<readonly [number, Element<T>]>): Producer<T> {
  return defineProducer<T>('timed', {}, undefined, (ctx) => {
    const start = ctx.clock.now();
    let i = 0;
    return {
      pull(emit) {
        if (i >= schedule.length) return false;
        const [at, el] = schedule[i]!;
        return new Promise<boolean>((resolve) => {
          ctx.clock.schedule(() => {
            i++;
            emit(el);
            resolve(i < schedule.length);
          }, start + at - ctx.clock.now());
        });
      },
    };
  });
}

/** Runs `op` over a timed source on a virtual clock, advancing it by `untilMs`. */
export async function runTimed<I, O>(op: Transformer<I, O>, schedule: ReadonlyArray<readonly [number, Element<I>]>, untilMs: number): Promise<Array<O | string>> {
  const clock = new VirtualClock();
  const run = pipeline().from(timed(schedule)).pipe(op).to(record<O>()).run({ clock });
  await clock.settle();
  await clock.advanceBy(untilMs);
  return (await run).result;
}
