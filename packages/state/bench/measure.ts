/**
 * Shared measuring helpers of the state benchmarks: wall and CPU time per run, rounds
 * with the variants in rotating order (so neither warm-up nor a neighbour's load favours
 * one variant), and median with spread.
 */

/** One measured run. */
export interface Sample {
  /** Units per wall-clock second. */
  readonly rate: number;
  /** Units per CPU second of this process (all threads: main, GC, LMDB writer). */
  readonly cpuRate: number;
}

/** Runs `work` (which processes `units` units) and measures it. */
export async function measure(units: number, work: () => unknown): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { rate: units / wall, cpuRate: units / ((c.user + c.system) / 1e6) };
}

/** A named variant; `run` returns its sample. */
export interface Variant {
  readonly name: string;
  run(): Promise<Sample>;
}

/** Runs every variant once per round, rotating the order each round; returns the samples per variant. */
export async function rounds(variants: readonly Variant[], count: number, log?: (line: string) => void): Promise<Map<string, Sample[]>> {
  const out = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + r) % variants.length]!;
      out.get(v.name)!.push(await v.run());
    }
    log?.(`round ${r + 1}/${count} done`);
  }
  return out;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** `median [min–max]` of per-round ratios `a[i] / b[i]` (paired: same round). */
export function pairedRatio(a: readonly number[], b: readonly number[]): string {
  const r = a.map((x, i) => x / b[i]!);
  return `${median(r).toFixed(3)} [${Math.min(...r).toFixed(3)}–${Math.max(...r).toFixed(3)}]`;
}

export const fmt = (x: number) => Math.round(x).toLocaleString('en');
