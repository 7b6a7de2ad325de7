import { fromArray, graph, InvalidArgumentError, onError } from '../index.js';
import { record } from '../operators/internal/testkit.js';
import { route } from './route.js';

describe('route', () => {
  it('sends each item to exactly its route, unknown routes to the default', async () => {
    const events = [{ t: 'click' }, { t: 'view' }, { t: 'scroll' }, {}] as Array<{ t?: string }>;
    const { result } = await graph()
      .source('src', fromArray(events))
      .node('r', route((e: { t?: string }) => e.t, ['click', 'view'], { default: 'other' }))
      .sink('click', record())
      .sink('view', record())
      .sink('other', record())
      .connect('src', 'r')
      .connect('r.click', 'click')
      .connect('r.view', 'view')
      .connect('r.other', 'other')
      .build()
      .run();
    expect(result).toEqual({ click: [{ t: 'click' }, 'END'], view: [{ t: 'view' }, 'END'], other: [{ t: 'scroll' }, {}, 'END'] });
  });
  it('routes a throwing selector through the strategy and requires a default', async () => {
    const g = graph()
      .source('src', fromArray([1, 2]))
      .node('r', route((x: number) => { if (x === 1) throw new Error('sel'); return 'a'; }, ['a'], { default: 'd', errors: onError.skip() }))
      .sink('a', record())
      .sink('d', record())
      .connect('src', 'r')
      .connect('r.a', 'a')
      .connect('r.d', 'd')
      .build();
    expect((await g.run()).result).toEqual({ a: [2, 'END'], d: ['END'] });
    expect(() => route(() => 'a', ['a'], {} as never)).toThrow(InvalidArgumentError);
    expect(() => route(() => 'a', ['a', 'a'], { default: 'd' })).toThrow(/duplicate port/);
  });
});
