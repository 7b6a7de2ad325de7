import fc from 'fast-check';
import { fromArray, graph, InvalidArgumentError, watermark } from '../index.js';
import { record } from '../operators/internal/testkit.js';
import { roundRobin } from './roundRobin.js';

describe('roundRobin', () => {
  it('deals items in turn and every signal to every branch', async () => {
    const { result } = await graph()
      .source('src', fromArray<number>([1, 2, 3, watermark(3), 4] as number[]))
      .node('rr', roundRobin<number, 2>(2))
      .sink('a', record<number>())
      .sink('b', record<number>())
      .connect('src', 'rr')
      .connect('rr.out0', 'a')
      .connect('rr.out1', 'b')
      .build()
      .run();
    expect(result).toEqual({ a: [1, 3, 'W3', 'END'], b: [2, 'W3', 4, 'END'] });
  });
  it('stays balanced: branch counts differ by at most one (property, fixed seed)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 200 }), async (n) => {
        const { result } = await graph()
          .source('src', fromArray(Array.from({ length: n }, (_, i) => i)))
          .node('rr', roundRobin(['x', 'y', 'z']))
          .sink('x', record()).sink('y', record()).sink('z', record())
          .connect('src', 'rr').connect('rr.x', 'x').connect('rr.y', 'y').connect('rr.z', 'z')
          .build()
          .run();
        const sizes = [result.x, result.y, result.z].map((r) => r.length - 1);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
      }),
      { seed: 3, numRuns: 25 },
    );
  });
  it('rejects bad branch lists', () => {
    expect(() => roundRobin(0)).toThrow(InvalidArgumentError);
    expect(() => roundRobin([])).toThrow(/at least one/);
    expect(() => roundRobin(['a.b'])).toThrow(/without "."/);
  });
});
