/** Test helpers: run a codec transformer over chunks and collect items and dead letters. */
import { collect, type DeadLetter, type ErrorStrategy, fromArray, pipeline, type Transformer } from '@streamweave/core';

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (chunks: readonly Uint8Array[]): string => new TextDecoder().decode(concat(chunks));

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const r = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    r.set(c, o);
    o += c.length;
  }
  return r;
}

/** Splits bytes into chunks of `size` bytes (the last may be shorter). */
export function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

export interface Outcome<O> {
  readonly items: O[];
  readonly dead: DeadLetter[];
  readonly skipped: number;
  readonly errors: number;
}

/** Runs `t` over `inputs` with the given strategy (dead letters collected). */
export async function runCodec<I, O>(t: Transformer<I, O>, inputs: readonly I[], errors?: ErrorStrategy): Promise<Outcome<O>> {
  const r = await pipeline()
    .from(fromArray(inputs as I[]))
    .pipe(t)
    .to(collect<O>())
    .run({ ...(errors ? { errors } : {}), deadLetter: collect<DeadLetter>() });
  const node = Object.entries(r.stats).find(([id]) => id.includes(t.descriptor.type))?.[1] ?? Object.values(r.stats)[1]!;
  return { items: r.result, dead: (r.deadLetter ?? []) as DeadLetter[], skipped: node.skipped, errors: node.errors };
}

/** Runs and returns the rejection (fails the test when the run succeeds). */
export async function runCodecError<I, O>(t: Transformer<I, O>, inputs: readonly I[]): Promise<unknown> {
  try {
    await pipeline().from(fromArray(inputs as I[])).pipe(t).to(collect<O>()).run();
  } catch (e) {
    return e;
  }
  throw new Error('expected the run to fail');
}
