/** Tiny benchmark harness: warm up, take the best of N runs, report ratios against a baseline. */

export interface Case {
  readonly name: string;
  readonly run: () => Promise<number> | number;
}

export async function measure(cases: readonly Case[], options: { runs?: number; expect?: number } = {}): Promise<Map<string, number>> {
  const runs = options.runs ?? 5;
  const best = new Map<string, number>();
  for (const c of cases) {
    const r = await c.run(); // warm-up, and a correctness check
    if (options.expect !== undefined && r !== options.expect) throw new Error(`${c.name} computed ${r}, expected ${options.expect}`);
  }
  // Interleave cases across rounds so drift (thermal, other load) hits all of them alike.
  for (let round = 0; round < runs; round++) {
    for (const c of cases) {
      (globalThis as { gc?: () => void }).gc?.();
      const t0 = performance.now();
      await c.run();
      const ms = performance.now() - t0;
      best.set(c.name, Math.min(best.get(c.name) ?? Infinity, ms));
    }
  }
  return best;
}

export function report(title: string, best: Map<string, number>, items: number, baseline: string): void {
  console.log(`\n${title} — ${items.toLocaleString('en')} items, best of runs; ratio = throughput relative to "${baseline}"`);
  const base = best.get(baseline)!;
  for (const [name, ms] of best) {
    const perSec = (items / ms) * 1000;
    console.log(`  ${name.padEnd(28)} ${(perSec / 1e6).toFixed(1).padStart(7)} M items/s   ratio ${(base / ms).toFixed(2)}×`);
  }
}
