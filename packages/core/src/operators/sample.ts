import type { NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError, requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { failed, guard, requireKeyOf } from './internal/guard.js';
import { randomSource } from './internal/prng.js';

/** How {@link sample} picks items: exactly one of `every`, `probability`, `reservoir`. */
export type SampleOptions<T, K = unknown> = NodeOptions & {
  /** Stratified sampling: apply the rule per key (every n-th of each key, a reservoir per key…). */
  readonly key?: (item: T) => K;
  /** Seed of the built-in PRNG (mulberry32), for reproducible samples. */
  readonly seed?: number;
  /** Or a source of uniform numbers in [0, 1). */
  readonly random?: () => number;
} & (
    | { readonly every: number; readonly probability?: never; readonly reservoir?: never }
    | { readonly probability: number; readonly every?: never; readonly reservoir?: never }
    | { readonly reservoir: number; readonly every?: never; readonly probability?: never }
  );

/**
 * Samples the stream:
 * - `every: n` keeps items 0, n, 2n… (deterministic);
 * - `probability: p` keeps each item independently with probability p (Bernoulli);
 * - `reservoir: k` keeps a uniform random sample of k items (Vitter's algorithm R),
 *   emitted in arrival order at the end of input (memory: k items).
 * With `key`, the rule applies per key (stratified). Random modes are seedable.
 *
 * @example
 * ```ts
 * pipeline().from(logs).pipe(sample({ probability: 0.01, seed: 7 })).to(sink);
 * pipeline().from(users).pipe(sample({ reservoir: 100, key: (u) => u.country })).to(collect()); // 100 per country
 * ```
 * @see {@link throttle}
 */
export function sample<T, K = unknown>(options: SampleOptions<T, K>): Transformer<T, T> {
  const modes = ['every', 'probability', 'reservoir'].filter((m) => (options as unknown as Record<string, unknown> | undefined)?.[m] !== undefined);
  if (modes.length !== 1) throw new InvalidArgumentError(`sample: give exactly one of \`every\`, \`probability\`, \`reservoir\`, got ${modes.length}`);
  const { every, probability, reservoir } = options as { every?: number; probability?: number; reservoir?: number };
  if (every !== undefined && !(Number.isInteger(every) && every > 0)) throw new InvalidArgumentError(`sample: \`every\` must be a positive integer, got ${String(every)}`);
  if (probability !== undefined && !(probability >= 0 && probability <= 1)) throw new InvalidArgumentError(`sample: \`probability\` must be in [0, 1], got ${String(probability)}`);
  if (reservoir !== undefined && !(Number.isInteger(reservoir) && reservoir > 0)) throw new InvalidArgumentError(`sample: \`reservoir\` must be a positive integer, got ${String(reservoir)}`);
  if (options.key !== undefined) requireFunction('sample', 'key', options.key);
  const keyOf = options.key ? requireKeyOf(options.key) : undefined;
  return defineTransformer<T, T>('sample', { every, probability, reservoir, seed: options.seed, key: options.key }, options, (out, ctx) => {
    const random = randomSource(options.seed, options.random);
    const counts = new Map<unknown, number>();
    const reservoirs = new Map<unknown, Array<{ seq: number; v: T }>>();
    let seq = 0;
    const pass = (v: T) => {
      ctx.stats.out++;
      out.next(v);
    };
    const flush = () => {
      const all = [...reservoirs.values()].flat().sort((a, b) => a.seq - b.seq);
      reservoirs.clear();
      for (const e of all) pass(e.v);
    };
    return {
      item(value, position) {
        let k: unknown;
        if (keyOf) {
          const r = guard(ctx, out, value, position, () => keyOf(value));
          if (r === failed) return;
          k = r;
        }
        const n = counts.get(k) ?? 0;
        counts.set(k, n + 1);
        if (every !== undefined) {
          if (n % every === 0) pass(value);
        } else if (probability !== undefined) {
          if (random() < probability) pass(value);
        } else {
          let r = reservoirs.get(k);
          if (!r) reservoirs.set(k, (r = []));
          if (r.length < reservoir!) r.push({ seq: seq++, v: value });
          else {
            const j = Math.floor(random() * (n + 1));
            if (j < reservoir!) r[j] = { seq: seq++, v: value };
          }
        }
      },
      signal(s) {
        if (s.kind === 'end') flush();
        out.next(s);
      },
      complete() {
        flush();
        out.complete();
      },
    };
  });
}
