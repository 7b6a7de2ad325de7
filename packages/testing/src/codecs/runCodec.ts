/** Running a codec transformer over chunks in a real pipeline, for codec tests. */
import { collect, type DeadLetter, type ErrorStrategy, fromArray, pipeline, type Transformer } from '@streamweave/core';

/** What {@link runCodec} resolves to. */
export interface CodecOutcome<O> {
  /** Items the codec emitted, in order. */
  readonly items: O[];
  /** Dead letters (failing item and error), when the strategy routed any there. */
  readonly dead: DeadLetter[];
  /** Failures the codec skipped (its node's `skipped` counter). */
  readonly skipped: number;
  /** Failures the codec reported (its node's `errors` counter). */
  readonly errors: number;
}

/**
 * Runs a codec transformer over `inputs` (`fromArray(inputs) → t → collect()`),
 * with an optional error strategy and a collecting dead-letter route, and
 * returns what it emitted, its dead letters and its failure counters.
 *
 * @example
 * ```ts
 * const r = await runCodec(csvDecode(), chunked(utf8('a\n1\n"x'), 3), onError.deadLetter());
 * r.items; // [{ a: '1' }]
 * r.dead[0].error.message; // '… unterminated quoted field'
 * ```
 * @see {@link runCodecError} for a run that must fail
 */
export async function runCodec<I, O>(t: Transformer<I, O>, inputs: readonly I[], errors?: ErrorStrategy): Promise<CodecOutcome<O>> {
  const r = await pipeline()
    .from(fromArray(inputs as I[]))
    .pipe(t)
    .to(collect<O>())
    .run({ ...(errors ? { errors } : {}), deadLetter: collect<DeadLetter>() });
  const node = Object.entries(r.stats).find(([id]) => id.includes(t.descriptor.type))?.[1] ?? Object.values(r.stats)[1]!;
  return { items: r.result, dead: (r.deadLetter ?? []) as DeadLetter[], skipped: node.skipped, errors: node.errors };
}

/**
 * Runs a codec transformer over `inputs` with the default (Stop) strategy and
 * resolves to the error the run rejected with; rejects when the run succeeds.
 *
 * @example
 * ```ts
 * const e = (await runCodecError(csvDecode(), [utf8('a\n"open')])) as CsvError;
 * e.line; // 2
 * ```
 * @see {@link runCodec}
 */
export async function runCodecError<I, O>(t: Transformer<I, O>, inputs: readonly I[]): Promise<unknown> {
  try {
    await pipeline().from(fromArray(inputs as I[])).pipe(t).to(collect<O>()).run();
  } catch (e) {
    return e;
  }
  throw new Error('expected the run to fail');
}
