import {
  checkpointBarrier,
  endOfStream,
  filter,
  fromArray,
  map,
  onError,
  StreamWeaveError,
  timer,
  VirtualClock,
  watermark,
} from '@streamweave/core';
import { failAt, formatElements, runOperator, runPipeline } from './index.js';

describe('runOperator', () => {
  it('resolves the exact output elements, signals in order, and the operator stats', async () => {
    const out = await runOperator(map((x: number) => x * 10), [1, watermark(5), 2, checkpointBarrier(1, 0)]);
    expect(formatElements(out.elements)).toEqual(['10', 'W(5)', '20', 'B(1)']);
    expect(out.data).toEqual([10, 20]);
    expect(formatElements(out.signals)).toEqual(['W(5)', 'B(1)']);
    expect(out.stats).toEqual({ in: 2, out: 2, errors: 0, skipped: 0 });
    expect(out.status).toBe('completed');
    expect(out.error).toBeUndefined();
  });

  it('keeps the runtime EndOfStream when asked', async () => {
    const out = await runOperator(filter((x: number) => x > 1), [1, 2], { keepEndOfStream: true });
    expect(out.elements).toEqual([2, endOfStream]);
  });

  it('reports stats under the node name when the transformer is named', async () => {
    const out = await runOperator(map((x: number) => x + 1, { name: 'inc' }), [1]);
    expect(out.stats).toEqual({ in: 1, out: 1, errors: 0, skipped: 0 });
    expect(Object.keys(out.runStats).sort()).toEqual(['inc', 'runOperator.input', 'runOperator.output']);
  });

  it('rejects with the operator error by default', async () => {
    await expect(runOperator(failAt(1), [1, 2, 3])).rejects.toThrow('[failAt "failAt", item #1, attempt 1] failed: failAt: injected failure at item #1');
  });

  it('with allowError resolves the elements that arrived before the failure, and the error', async () => {
    const out = await runOperator(failAt<number>(2), [1, watermark(1), 2, 3, 4], { allowError: true });
    expect(formatElements(out.elements)).toEqual(['1', 'W(1)', '2']);
    expect(out.error).toBeInstanceOf(StreamWeaveError);
    expect(out.status).toBeUndefined();
    expect(out.stats).toEqual({ in: 0, out: 0, errors: 0, skipped: 0 });
  });

  it('drives a VirtualClock until a time-based run ends', async () => {
    const clock = new VirtualClock();
    const out = await runPipeline(timer(60_000), [map((x: number) => `${x}@${clock.now()}`)], { clock });
    expect(out.data).toEqual(['0@60000']);
  });

  it('passes run options such as the error strategy', async () => {
    const out = await runOperator(failAt<number>(0), [1, 2], { errors: onError.skip() });
    expect(out.data).toEqual([2]);
    expect(out.stats).toEqual({ in: 2, out: 1, errors: 1, skipped: 1 });
  });

  it('rejects what is not a transformer or an input', async () => {
    await expect(runOperator({} as never, [1])).rejects.toThrow('runOperator: `transformer` must be a transformer');
    await expect(runOperator(map((x: number) => x), 42 as never)).rejects.toThrow('input must be an array of elements or a producer');
    await expect(runPipeline(fromArray([1]), 'x' as never)).rejects.toThrow('runPipeline: `transformers` must be an array');
  });
});

describe('runPipeline', () => {
  it('runs producer → transformers → collecting sink with every node stats', async () => {
    const out = await runPipeline(fromArray([1, 2, 3]), [map((x: number) => x + 1), filter((x: number) => x % 2 === 0)]);
    expect(out.elements).toEqual([2, 4]);
    expect(out.runStats['map']).toEqual({ in: 3, out: 3, errors: 0, skipped: 0 });
    expect(out.runStats['filter']).toEqual({ in: 3, out: 2, errors: 0, skipped: 0 });
    expect(out.runStats['runOperator.output']).toEqual({ in: 2, out: 0, errors: 0, skipped: 0 });
  });

  it('accepts an element array as source and an empty transformer list', async () => {
    const out = await runPipeline(['a', checkpointBarrier(3, 0, true)], []);
    expect(formatElements(out.elements)).toEqual(['"a"', 'B(3,savepoint)']);
  });
});
