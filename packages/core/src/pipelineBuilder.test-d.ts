// Type-level tests: every `@ts-expect-error` line must NOT compile. `tsc --noEmit`
// fails if one of them starts compiling (the directive is then unused).
import { collect, filter, fromArray, map, mapAsync, pipeline, reduceTo, type RunResult } from './index.js';

// The happy path infers every type: x is a number, the result a number[].
export const ok: Promise<RunResult<number[]>> = pipeline()
  .from(fromArray([1, 2, 3]))
  .pipe(map((x) => x * 2))
  .pipe(filter((x) => x > 2))
  .to(collect())
  .run();

export const strings: Promise<RunResult<string[]>> = pipeline()
  .from(fromArray([1]))
  .pipe(mapAsync(async (x) => String(x)))
  .to(collect())
  .run();

// Out of order: nothing but from() on an empty pipeline.
// @ts-expect-error pipe() before from()
pipeline().pipe(map((x: number) => x));
// @ts-expect-error to() before from()
pipeline().to(collect());
// @ts-expect-error run() before to()
void pipeline().from(fromArray([1])).run();
// @ts-expect-error pipe() after to()
pipeline().from(fromArray([1])).to(collect()).pipe(map((x: number) => x));

// Mismatched types between stages.
// @ts-expect-error a string transformer after a number source
pipeline().from(fromArray([1, 2])).pipe(map((s: string) => s.length));
// @ts-expect-error a consumer of strings after a number stage
pipeline().from(fromArray([1])).pipe(map((x) => x + 1)).to(collect<string>());
// @ts-expect-error a reducer expecting objects
pipeline().from(fromArray(['a'])).to(reduceTo((acc: number, x: { n: number }) => acc + x.n, 0));

// The result type flows from the consumer.
// @ts-expect-error result is number[], not string[]
export const wrong: Promise<RunResult<string[]>> = pipeline().from(fromArray([1])).to(collect()).run();

// Producers are covariant in their item type: a producer of strings is a producer of unknowns.
import type { Producer } from './index.js';
export const widened: Producer<unknown> = fromArray(['a']);
// @ts-expect-error but not the other way round
export const narrowed: Producer<string> = fromArray<unknown>(['a']);
