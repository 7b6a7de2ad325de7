/** The property every decoder must hold on bad input. */
import { collect, fromArray, pipeline, type Transformer } from '@streamweave/core';

/**
 * Runs a fresh decoder over `chunks`: it must either finish or fail with
 * `ErrorClass` (the format's typed error), never with anything else. Resolves
 * to the decoded items, or to the typed error; rejects, naming what was thrown
 * instead, when the decoder crashed with another error. Use it as the body of
 * a fuzzing property (a hang shows up as the test's timeout).
 *
 * @example
 * ```ts
 * await fc.assert(fc.asyncProperty(fc.uint8Array(), fc.array(fc.nat()), async (bytes, cuts) => {
 *   await decodeOrTypedError(() => msgpackDecode(), splitAt(bytes, cuts), MsgpackError);
 * }));
 * ```
 * @see {@link mutate}
 * @see {@link splitAt}
 */
export async function decodeOrTypedError<O>(make: () => Transformer<Uint8Array, O>, chunks: Uint8Array[], ErrorClass: abstract new (...args: never[]) => Error): Promise<O[] | Error> {
  try {
    return (await pipeline().from(fromArray(chunks)).pipe(make()).to(collect<O>()).run()).result;
  } catch (e) {
    if (!(e instanceof ErrorClass)) throw new Error(`expected ${ErrorClass.name}, got ${String(e)}`, { cause: e });
    return e;
  }
}
