import { checkpointBarrier, endOfStream, fromArray, map, pipeline, watermark } from '@streamweave/core';
import { collectElements, formatElements, runPipeline } from './index.js';

describe('collectElements', () => {
  it('records data and signals in arrival order, the final EndOfStream included', async () => {
    const { result } = await pipeline().from(fromArray([1, 2])).pipe(map((x: number) => x * 2)).to(collectElements()).run();
    expect(result).toEqual([2, 4, endOfStream]);
  });

  it('records into a given array, visible after the run', async () => {
    const into: unknown[] = [];
    await runPipeline(['x', watermark(3)], []);
    await pipeline().from(fromArray(['y'])).to(collectElements({ into, name: 'sink' })).run();
    expect(into).toEqual(['y', endOfStream]);
  });
});

describe('formatElements', () => {
  it('formats data as JSON and signals as short tags', () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(
      formatElements([1, 'a', { k: [1] }, undefined, watermark(-Infinity), watermark(7, { idle: true }), checkpointBarrier(2, 9), checkpointBarrier(3, 9, true), endOfStream, circular]),
    ).toEqual(['1', '"a"', '{"k":[1]}', 'undefined', 'W(-Infinity)', 'IDLE(7)', 'B(2)', 'B(3,savepoint)', 'EOS', '[object Object]']);
  });

  it('falls back to String for values JSON cannot express', () => {
    expect(formatElements([10n, Symbol.for('s')])).toEqual(['10', 'Symbol(s)']);
  });
});
