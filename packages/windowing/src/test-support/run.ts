/** Test helpers: run one transformer over elements (data and signals) and collect what comes out. */
import {
  collect,
  defineConsumer,
  type Element,
  fromArray,
  isCheckpointBarrier,
  isWatermark,
  pipeline,
  type RunOptions,
  type NodeContext,
  type Transformer,
  type VirtualClock,
} from '@streamweave/core';

/** Runs `op` over `input` and returns the collected data items. */
export async function runOp<I, O>(op: Transformer<I, O>, input: ReadonlyArray<Element<NoInfer<I>>>, options: RunOptions = {}): Promise<O[]> {
  const { result } = await pipeline().from(fromArray(input as I[])).pipe(op).to(collect<O>()).run(options);
  return result;
}

/** A consumer recording data items (through `show`) and watermarks (`W<t>`) in arrival order. */
export function trace<T>(show: (item: T) => string = (x) => JSON.stringify(x)) {
  return defineConsumer<T, string[]>('trace', {}, undefined, () => {
    const seen: string[] = [];
    return {
      item: (v) => void seen.push(show(v as T)),
      signal: (s) => {
        if (isWatermark(s)) seen.push(`${s.idle ? "I" : "W"}${s.timestamp}`);
        else if (isCheckpointBarrier(s)) seen.push(`B${s.checkpointId}`);
      },
      complete: () => seen,
    };
  });
}

/** Runs `op` over `input`, returning data and watermarks in order. */
export async function runTrace<I, O>(op: Transformer<I, O>, input: ReadonlyArray<Element<NoInfer<I>>>, show?: (item: O) => string, options: RunOptions = {}): Promise<string[]> {
  const { result } = await pipeline().from(fromArray(input as I[])).pipe(op).to(trace<O>(show)).run(options);
  return result;
}

/** Short form of a window result: `key[start,end)=result/timing`. */
export function short(r: { key: unknown; window: { start: number; end: number }; result: unknown; timing: string }): string {
  return `${r.key === undefined ? '' : String(r.key)}[${r.window.start},${r.window.end})=${JSON.stringify(r.result)}/${r.timing}`;
}

/** Simplifies window results for exact assertions: [key, start, end, result, timing]. */
export function rows<K, R>(results: ReadonlyArray<{ key: K; window: { start: number; end: number }; result: R; timing: string }>) {
  return results.map((r) => [r.key, r.window.start, r.window.end, r.result, r.timing]);
}

/** A node context for driving `transformer.apply()` directly from a Subject under a virtual clock. */
export function fakeCtx(clock: VirtualClock, type = 'windowAggregate'): NodeContext {
  return {
    id: 'w',
    descriptor: { kind: 'transformer', type, params: {} },
    component: { id: 'w', type },
    clock,
    signal: new AbortController().signal,
    stats: { in: 0, out: 0, errors: 0, skipped: 0 },
    hooks: undefined,
    extensions: {},
    fail: (cause: unknown) => ({ action: 'stop' as const, error: cause as never }),
    hold: () => ({ release: () => undefined, run: <R>(fn: () => R) => fn() }),
  };
}
