/** Test support for the operator library's specs: runs an operator and records data and signals. @internal */
import type { Consumer, Transformer } from '../../contracts.js';
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
