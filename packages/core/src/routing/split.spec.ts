import { checkpointBarrier, fromArray, graph, InvalidArgumentError, onError, watermark } from '../index.js';
import { record } from '../operators/internal/testkit.js';
import { partition } from './partition.js';
import { split } from './split.js';

describe('split', () => {
  it('sends each item to every matching output and the rest port; every signal to every output', async () => {
    const { result } = await graph()
      .source('src', fromArray<number>([1, 2, watermark(5), 3, 6, checkpointBarrier(1, 0), 7] as number[]))
      .node('s', split({ even: (x: number) => x % 2 === 0, three: (x: number) => x % 3 === 0 }, { rest: 'other' }))
      .sink('even', record<number>())
      .sink('three', record<number>())
      .sink('other', record<number>())
      .connect('src', 's')
      .connect('s.even', 'even')
      .connect('s.three', 'three')
      .connect('s.other', 'other')
      .build()
      .run();
    expect(result).toEqual({
      even: [2, 'W5', 6, 'B1', 'END'],
      three: ['W5', 3, 6, 'B1', 'END'],
      other: [1, 'W5', 'B1', 7, 'END'],
    });
  });
  it('counts unmatched items as skipped without a rest port, and routes throwing predicates', async () => {
    const run = await graph()
      .source('src', fromArray([1, 2, 3]))
      .node('s', split({ big: (x: number) => { if (x === 3) throw new Error('p'); return x > 1; } }, { errors: onError.skip() }))
      .sink('big', record<number>())
      .connect('src', 's')
      .connect('s.big', 'big')
      .build()
      .run();
    expect(run.result.big).toEqual([2, 'END']);
    expect(run.stats.s).toEqual({ in: 3, out: 1, errors: 1, skipped: 2 });
    const failing = graph().source('src', fromArray([1])).node('s', split({ a: (): boolean => { throw new Error('boom'); } })).sink('a', record()).connect('src', 's').connect('s.a', 'a').build();
    await expect(failing.run()).rejects.toThrow(/split "s", item #0.*boom/);
    expect(() => split(null as never)).toThrow(InvalidArgumentError);
    expect(() => split({ a: 1 as never })).toThrow(/predicates.a/);
  });
});

describe('partition', () => {
  it('sends matching items to `matched` and the others to `unmatched`', async () => {
    const { result } = await graph()
      .source('src', fromArray([1, 2, 3, 4]))
      .node('p', partition((x: number) => x % 2 === 0))
      .sink('even', record<number>())
      .sink('odd', record<number>())
      .connect('src', 'p')
      .connect('p.matched', 'even')
      .connect('p.unmatched', 'odd')
      .build()
      .run();
    expect(result).toEqual({ even: [2, 4, 'END'], odd: [1, 3, 'END'] });
    const skip = graph().source('src', fromArray([1, 2])).node('p', partition((x: number) => { if (x === 1) throw new Error('x'); return true; }, { errors: onError.skip() }))
      .sink('a', record()).sink('b', record()).connect('src', 'p').connect('p.matched', 'a').connect('p.unmatched', 'b').build();
    expect((await skip.run()).result).toEqual({ a: [2, 'END'], b: ['END'] });
  });
});
