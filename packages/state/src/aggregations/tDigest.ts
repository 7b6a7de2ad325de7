/**
 * A merging t-digest (Dunning): centroids sized by the k1 scale function, so the
 * tails stay precise while the digest stays bounded (about `compression` centroids).
 *
 * @example
 * ```ts
 * const d = new TDigest(100); for (let i = 1; i <= 100; i++) d.add(i); d.quantile(0.5); // ≈ 50.5
 * ```
 * @see {@link percentiles}
 */
export class TDigest {
  private cs: Array<[number, number]>;
  private count: number;

  /** @param centroids - centroids of a stored digest ([mean, weight] pairs). */
  constructor(
    private readonly compression = 100,
    centroids: ReadonlyArray<readonly [number, number]> = [],
  ) {
    this.cs = centroids.map(([m, w]) => [m, w]);
    this.count = this.cs.reduce((s, [, w]) => s + w, 0);
  }

  /** Adds a value. */
  add(value: number, weight = 1): void {
    this.cs.push([value, weight]);
    this.count += weight;
    if (this.cs.length > this.compression * 2) this.compress();
  }

  /** Merges centroids as far as the k1 scale allows. */
  compress(): void {
    if (this.cs.length <= 1) return;
    this.cs.sort((a, b) => a[0] - b[0]);
    const out: Array<[number, number]> = [];
    const n = this.count;
    const k = (q: number) => (this.compression / (2 * Math.PI)) * Math.asin(2 * q - 1);
    let cur: [number, number] = [...this.cs[0]!];
    let before = 0;
    let kLow = k(0);
    for (let i = 1; i < this.cs.length; i++) {
      const [m, w] = this.cs[i]!;
      const q = (before + cur[1] + w) / n;
      if (k(Math.min(1, q)) - kLow <= 1) {
        cur = [(cur[0] * cur[1] + m * w) / (cur[1] + w), cur[1] + w];
      } else {
        out.push(cur);
        before += cur[1];
        kLow = k(before / n);
        cur = [m, w];
      }
    }
    out.push(cur);
    this.cs = out;
  }

  /** Estimated value at quantile `q` (0..1); NaN when empty. */
  quantile(q: number): number {
    if (this.cs.length === 0) return NaN;
    this.compress();
    const cs = this.cs;
    if (cs.length === 1) return cs[0]![0];
    const target = q * this.count;
    let seen = 0;
    for (let i = 0; i < cs.length; i++) {
      const [m, w] = cs[i]!;
      const mid = seen + w / 2;
      if (target < mid) {
        if (i === 0) return m;
        const [pm, pw] = cs[i - 1]!;
        const pmid = seen - pw / 2;
        return pm + ((target - pmid) / (mid - pmid)) * (m - pm);
      }
      seen += w;
    }
    return cs[cs.length - 1]![0];
  }

  /** Centroids to store in keyed state. */
  centroids(): Array<[number, number]> {
    this.compress();
    return this.cs.map(([m, w]) => [m, w]);
  }
}
