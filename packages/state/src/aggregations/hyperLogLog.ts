import { InvalidArgumentError } from '@streamweave/core';

/** 32-bit MurmurHash3 of a string's UTF-16 code units: fast and well mixed, enough for HyperLogLog. */
function murmur3(text: string, seed = 0x9747b28c): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    let k = text.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= text.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * HyperLogLog distinct-count sketch (Flajolet et al., with linear counting for small
 * cardinalities). Serializes to a compact string for keyed state.
 *
 * @example
 * ```ts
 * const hll = new HyperLogLog(12); hll.add('alice'); hll.add('bob'); hll.estimate(); // 2
 * ```
 * @see {@link countDistinct}
 */
export class HyperLogLog {
  private readonly registers: Uint8Array;

  /** Precision, 4..16: the sketch keeps 2^precision registers (standard error about 1.04 / sqrt(2^precision)). */
  readonly precision: number;

  /** @param precision - 4..16: 2^precision registers. */
  constructor(precision: number) {
    HyperLogLog.checkPrecision(precision);
    this.precision = precision;
    this.registers = new Uint8Array(1 << precision);
  }

  /** Throws on a precision outside 4..16. @internal */
  static checkPrecision(p: number): void {
    if (!Number.isInteger(p) || p < 4 || p > 16) throw new InvalidArgumentError(`HyperLogLog: precision must be an integer in 4..16, got ${String(p)}`);
  }

  /** Adds a value. */
  add(value: string): void {
    const h = murmur3(value);
    const index = h >>> (32 - this.precision);
    const rest = (h << this.precision) >>> 0;
    const rank = rest === 0 ? 32 - this.precision + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  /** Estimated number of distinct values added. */
  estimate(): number {
    const m = this.registers.length;
    let sum = 0;
    let zeros = 0;
    for (const r of this.registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = m === 16 ? 0.673 : m === 32 ? 0.697 : m === 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    return Math.round(raw);
  }

  /** Compact serialized form: precision, then registers as characters. */
  toString(): string {
    return `${this.precision}:${String.fromCharCode(...this.registers.map((r) => r + 48))}`;
  }

  /** Parses {@link HyperLogLog.toString}. */
  static fromString(text: string): HyperLogLog {
    const sep = text.indexOf(':');
    const hll = new HyperLogLog(Number(text.slice(0, sep)));
    const body = text.slice(sep + 1);
    for (let i = 0; i < hll.registers.length; i++) hll.registers[i] = body.charCodeAt(i) - 48;
    return hll;
  }
}
