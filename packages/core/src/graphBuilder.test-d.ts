// Type-level tests for graph(): ports are typed, connect() only accepts compatible ports.
import { collect, fromArray, graph, map } from './index.js';

const g = graph()
  .source('nums', fromArray([1, 2, 3]))
  .source('words', fromArray(['a', 'b']))
  .transform('len', map((s: string) => s.length))
  .sink('numbers', collect<number>())
  .sink('texts', collect<string>());

// Compatible connections compile.
export const built = g.connect('nums', 'numbers').connect('words', 'len').connect('len.out', 'numbers.in').connect('words', 'texts').build();
export async function results(): Promise<number[]> {
  const { result } = await built.run();
  const texts: string[] = result.texts;
  void texts;
  return result.numbers;
}

// @ts-expect-error numbers into a string sink
g.connect('nums', 'texts');
// @ts-expect-error numbers into a transformer of strings
g.connect('nums', 'len');
// @ts-expect-error unknown node
g.connect('nope', 'numbers');
// @ts-expect-error unknown port
g.connect('nums.bogus', 'numbers');
// @ts-expect-error a sink has no output port
g.connect('numbers', 'texts');
// @ts-expect-error a source has no input port
g.connect('words', 'nums');
