/** Generates a deterministic stream of shop events (seeded), with a few malformed lines mixed in. */

export interface ShopEvent {
  readonly ts: number;
  readonly user: string;
  readonly type: 'view' | 'cart' | 'order';
  readonly category: string;
  readonly amount: number;
}

const categories = ['books', 'games', 'garden', 'kitchen', 'music'] as const;

/** Mulberry32: a tiny seeded PRNG, so every run of the demo prints the same figures. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON lines as they would arrive from a file or a topic: about 1 in 500 is broken. */
export function* eventLines(count: number, seed = 42): Generator<string> {
  const rand = prng(seed);
  let ts = Date.UTC(2026, 10, 27, 9, 0, 0);
  for (let i = 0; i < count; i++) {
    ts += Math.floor(rand() * 50);
    if (rand() < 0.002) {
      yield `{"ts": ${ts}, "user": "u${i}", "type": "order", "amount": }`; // truncated by a flaky upstream
      continue;
    }
    const r = rand();
    const type = r < 0.8 ? 'view' : r < 0.95 ? 'cart' : 'order';
    const event: ShopEvent = {
      ts,
      user: `u${Math.floor(rand() * 5000)}`,
      type,
      category: categories[Math.floor(rand() * categories.length)]!,
      amount: type === 'order' ? Math.round(rand() * 20000) / 100 : 0,
    };
    yield JSON.stringify(event);
  }
}
