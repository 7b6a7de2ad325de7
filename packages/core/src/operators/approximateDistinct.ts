import type { NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError, requireFunction } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import { failed, guard, requireKeyOf } from './internal/guard.js';
import { fnv1a, keyText } from './internal/hash.js';

/** Options of {@link approximateDistinct}. */
export interface ApproximateDistinctOptions<T, K> extends NodeOptions {
  /** Dedupe by this key (default: the item). Keys are hashed by their canonical text (see `keyPartition`). */
  readonly key?: (item: T) => K;
  /** Distinct keys the filter is sized for (default 1 000 000). */
  readonly expectedItems?: number;
  /** Chance that a new key is wrongly taken for a duplicate, at `expectedItems` keys (default 0.01). */
  readonly falsePositiveRate?: number;
}

/** A Bloom filter sized for `n` keys at false-positive rate `p`. @internal */
export class BloomFilter {
  readonly bits: number;
  readonly hashes: number;
  private readonly words: Uint32Array;

  constructor(n: number, p: number) {
    // Standard sizing: m = -n ln p / (ln 2)^2 bits, k = (m / n) ln 2 hash functions.
    this.bits = Math.max(64, Math.ceil((-n * Math.log(p)) / (Math.LN2 * Math.LN2)));
    this.hashes = Math.max(1, Math.round((this.bits / n) * Math.LN2));
    this.words = new Uint32Array(Math.ceil(this.bits / 32));
  }

  /** Adds `text`; returns true when it was (probably) present already. */
  add(text: string): boolean {
    // Kirsch–Mitzenmacher double hashing: h_i = h1 + i·h2.
    const h1 = fnv1a(text);
    const h2 = fnv1a(text, 0x9747b28c) | 1;
    let present = true;
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const idx = bit % this.bits;
      const w = idx >>> 5;
      const mask = 1 << (idx & 31);
      if ((this.words[w]! & mask) === 0) {
        present = false;
        this.words[w]! |= mask;
      }
    }
    return present;
  }
}

/**
 * Approximate dedupe with fixed memory: a Bloom filter sized for
 * `expectedItems` keys at `falsePositiveRate`. A duplicate never passes; a new
 * key is wrongly dropped with probability about `falsePositiveRate` (growing if
 * more keys than `expectedItems` arrive). Memory is
 * `-n·ln p / (ln 2)²` bits: 1.2 MB for a million keys at 1 %.
 *
 * @example
 * ```ts
 * pipeline().from(clicks).pipe(approximateDistinct({ key: (c) => c.id, expectedItems: 10e6, falsePositiveRate: 0.001 })).to(sink);
 * ```
 * @see {@link distinct}
 */
export function approximateDistinct<T, K = T>(options: ApproximateDistinctOptions<T, K> = {}): Transformer<T, T> {
  const key = options.key ?? ((x: T) => x as unknown as K);
  requireFunction('approximateDistinct', 'key', key);
  const n = options.expectedItems ?? 1_000_000;
  const p = options.falsePositiveRate ?? 0.01;
  if (!(Number.isInteger(n) && n > 0)) throw new InvalidArgumentError(`approximateDistinct: \`expectedItems\` must be a positive integer, got ${String(n)}`);
  if (!(p > 0 && p < 1)) throw new InvalidArgumentError(`approximateDistinct: \`falsePositiveRate\` must be in (0, 1), got ${String(p)}`);
  const keyOf = requireKeyOf(key);
  return defineTransformer<T, T>('approximateDistinct', { key, expectedItems: n, falsePositiveRate: p }, options, (out, ctx) => {
    const filter = new BloomFilter(n, p);
    return {
      item(value, position) {
        const k = guard(ctx, out, value, position, () => keyText(keyOf(value)));
        if (k === failed || filter.add(k)) return;
        ctx.stats.out++;
        out.next(value);
      },
    };
  });
}
