import { Observable } from 'rxjs';
import {
  checkpointBarrier,
  collect,
  defineProducer,
  type Element,
  fromArray,
  graph,
  GraphValidationError,
  map,
  type MultiPortTransformer,
  describeNode,
  watermark,
  isSignal,
  range,
} from './index.js';
import { collectElements, fromElements } from './test-support/elements.js';

/** A test router: evens to `even`, odds to `odd`, signals to both. */
function evenOdd(): MultiPortTransformer<{ in: number }, { even: number; odd: number }> {
  return {
    descriptor: { ...describeNode('transformer', 'evenOdd', {}, undefined), inputs: ['in'], outputs: ['even', 'odd'] },
    applyPorts(inputs) {
      const side = (even: boolean) =>
        new Observable<Element<number>>((sub) =>
          inputs.in.subscribe({
            next: (el) => {
              if (isSignal(el) || (el % 2 === 0) === even) sub.next(el);
            },
            error: (e: unknown) => sub.error(e),
            complete: () => sub.complete(),
          }),
        );
      return { even: side(true), odd: side(false) };
    },
  };
}

describe('graph()', () => {
  it('fans out (broadcast) and fans in (merge), with results keyed by sink name', async () => {
    const g = graph()
      .source('numbers', fromArray([1, 2, 3]))
      .transform('double', map((x: number) => x * 2))
      .transform('square', map((x: number) => x * x))
      .sink('all', collect<number>())
      .sink('doubles', collect<number>())
      .connect('numbers', 'double')
      .connect('numbers', 'square')
      .connect('double', 'all')
      .connect('square', 'all')
      .connect('double.out', 'doubles.in')
      .build();
    const { result, stats } = await g.run();
    expect([...result.all].sort((a, b) => a - b)).toEqual([1, 2, 4, 4, 6, 9]);
    expect(result.doubles).toEqual([2, 4, 6]);
    expect(stats.numbers).toEqual({ in: 0, out: 3, errors: 0, skipped: 0 });
    expect(stats.all).toEqual({ in: 6, out: 0, errors: 0, skipped: 0 });
  });

  it('routes through multi-port nodes by port name', async () => {
    const { result } = await graph()
      .source('n', range(1, 6))
      .node('route', evenOdd())
      .sink('evens', collect<number>())
      .sink('odds', collect<number>())
      .connect('n', 'route')
      .connect('route.even', 'evens')
      .connect('route.odd', 'odds')
      .build()
      .run();
    expect(result).toEqual({ evens: [2, 4, 6], odds: [1, 3, 5] });
  });

  it('combines watermarks as the minimum and aligns barriers at fan-in', async () => {
    const { result } = await graph()
      .source('a', fromElements<string>(['a1', watermark(5), checkpointBarrier(1, 0), 'a2', watermark(30)], 'a'))
      .source('b', fromElements<string>(['b1', watermark(10), 'b2', checkpointBarrier(1, 0), 'b3', watermark(20)], 'b'))
      .sink('out', collectElements<string>())
      .connect('a', 'out')
      .connect('b', 'out')
      .build()
      .run({ creditWindow: 1 });
    const out = result.out;
    // The barrier comes after every pre-barrier item of both inputs and before any post-barrier item.
    const cp = out.indexOf('cp:1');
    expect(out.slice(0, cp).filter((x) => typeof x === 'string' && /^[ab]\d$/.test(x)).sort()).toEqual(['a1', 'b1', 'b2']);
    expect(out.slice(cp + 1).filter((x) => typeof x === 'string' && /^[ab]\d$/.test(x)).sort()).toEqual(['a2', 'b3']);
    // Watermarks strictly increase and never run ahead of the slower input (exact cases: alignedMerge.spec.ts).
    const wms = out.filter((x): x is string => typeof x === 'string' && x.startsWith('wm:')).map((x) => Number(x.slice(3)));
    expect(wms.length).toBeGreaterThan(0);
    wms.forEach((w, i) => i > 0 && expect(w).toBeGreaterThan(wms[i - 1]!));
    expect(out.indexOf('wm:5')).toBeGreaterThan(out.indexOf('b1'));
    expect(out.filter((x) => x === 'eos')).toEqual(['eos']);
    expect(out[out.length - 1]).toBe('eos');
  });

  it('describes nodes, ports and edges as plain data', () => {
    const d = graph()
      .source('n', range(1, 2))
      .node('route', evenOdd())
      .sink('evens', collect<number>())
      .sink('odds', collect<number>())
      .connect('n', 'route')
      .connect('route.even', 'evens')
      .connect('route.odd', 'odds')
      .build()
      .describe();
    expect(d.nodes.map((n) => [n.id, n.kind, n.inputs, n.outputs])).toEqual([
      ['n', 'producer', [], ['out']],
      ['route', 'transformer', ['in'], ['even', 'odd']],
      ['evens', 'consumer', ['in'], []],
      ['odds', 'consumer', ['in'], []],
    ]);
    expect(d.edges).toEqual([
      { from: 'n.out', to: 'route.in' },
      { from: 'route.even', to: 'evens.in' },
      { from: 'route.odd', to: 'odds.in' },
    ]);
  });

  describe('build() validation names the nodes at fault', () => {
    const base = () =>
      graph()
        .source('src', range(0, 3))
        .transform('t', map((x: number) => x))
        .sink('sink', collect<number>());

    it('dangling input and output ports', () => {
      const g = base().connect('src', 't');
      const error = (() => {
        try {
          g.build();
        } catch (e) {
          return e as GraphValidationError;
        }
        throw new Error('expected build() to throw');
      })();
      expect(error).toBeInstanceOf(GraphValidationError);
      expect(error.message).toBe('dangling port(s): output "t.out" is not connected; input "sink.in" is not connected');
      expect(error.nodes).toEqual(['t', 'sink']);
    });

    it('cycles', () => {
      const g = graph()
        .source('src', range(0, 3))
        .transform('a', map((x: number) => x))
        .transform('b', map((x: number) => x))
        .sink('sink', collect<number>())
        .connect('src', 'a')
        .connect('a', 'b')
        .connect('b', 'a')
        .connect('b', 'sink');
      expect(() => g.build()).toThrow('cycle detected: b -> a -> b');
    });

    it('duplicate names', () => {
      const g = base().transform('t', map((x: number) => x)).connect('src', 't').connect('t', 'sink');
      expect(() => g.build()).toThrow('duplicate node name(s): "t"');
    });

    it('unknown nodes and ports, duplicate edges, missing source or sink', () => {
      expect(() => base().connect('src', 't').connect('t', 'sink').connect('nope' as never, 'sink').build()).toThrow(
        'edge nope.out -> sink.in starts at unknown node "nope"',
      );
      expect(() => base().connect('src', 't').connect('t', 'sink').connect('src', 'ghost' as never).build()).toThrow(
        'ends at unknown node "ghost"',
      );
      expect(() => base().connect('src', 't').connect('t.bogus' as never, 'sink').build()).toThrow(
        'node "t" has no output port "bogus" (its outputs: "out")',
      );
      expect(() => base().connect('src', 't.x' as never).connect('t', 'sink').build()).toThrow('node "t" has no input port "x" (its inputs: "in")');
      expect(() => base().connect('src', 't').connect('src', 't').connect('t', 'sink').build()).toThrow('edge src.out -> t.in is declared twice');
      expect(() => graph().sink('s', collect()).build()).toThrow('graph has no source (producer) node');
      expect(() => graph().source('s', range(0, 1)).build()).toThrow('graph has no sink (consumer) node');
    });

    it('bad node names and non-node arguments', () => {
      expect(() => graph().source('a.b', range(0, 1))).toThrow('graph: node name must be a non-empty string without "."');
      expect(() => graph().node('x', {} as never)).toThrow('graph.node("x"): expected a multi-port transformer');
      expect(() => graph().source('x', map((v) => v) as never)).toThrow('graph.source("x"): expected a producer');
    });

    it('a multi-port node that does not produce a declared port fails clearly', async () => {
      const broken = { ...evenOdd(), applyPorts: () => ({}) } as unknown as MultiPortTransformer<{ in: number }, { even: number; odd: number }>;
      const g = graph()
        .source('n', range(1, 2))
        .node('route', broken)
        .sink('e', collect<number>())
        .sink('o', collect<number>())
        .connect('n', 'route')
        .connect('route.even', 'e')
        .connect('route.odd', 'o')
        .build();
      expect(() => g.start()).toThrow('node "route" did not produce its declared output port "even"');
    });
  });

  it('a failing branch fails the whole run and cancels the others', async () => {
    const never = defineProducer<number>('never', {}, undefined, (ctx) => ({
      pull: () => new Promise<boolean>((resolve) => ctx.signal.addEventListener('abort', () => resolve(false))),
    }));
    const run = graph()
      .source('ok', never)
      .source('bad', fromArray([1]))
      .transform('boom', map(() => {
        throw new Error('branch broke');
      }))
      .sink('a', collect())
      .sink('b', collect())
      .connect('ok', 'a')
      .connect('bad', 'boom')
      .connect('boom', 'b')
      .build()
      .run();
    await expect(run).rejects.toThrow('[map "boom", item #0, attempt 1] failed: branch broke');
  });
});
