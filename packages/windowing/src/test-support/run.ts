/** Test helpers: run one transformer over elements (data and signals) and collect what comes out. */
import { type Element, fromArray, collect, pipeline, type RunOptions, type Transformer } from '@streamweave/core';

/** Runs `op` over `input` and returns the collected data items. */
export async function runOp<I, O>(op: Transformer<I, O>, input: ReadonlyArray<Element<I>>, options: RunOptions = {}): Promise<O[]> {
  const { result } = await pipeline().from(fromArray(input as Element<I>[])).pipe(op).to(collect<O>()).run(options);
  return result;
}

/** Simplifies window results for exact assertions: [key, start, end, result, timing]. */
export function rows<K, R>(results: ReadonlyArray<{ key: K; window: { start: number; end: number }; result: R; timing: string }>) {
  return results.map((r) => [r.key, r.window.start, r.window.end, r.result, r.timing]);
}
