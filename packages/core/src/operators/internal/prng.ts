/** A small seedable PRNG (mulberry32): sampling must be reproducible in tests and replays. */

/** Returns a function of uniform numbers in [0, 1) seeded by `seed`. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks the random source of a sampling operator: a given function, a seed, or Math.random. */
export function randomSource(seed: number | undefined, random: (() => number) | undefined): () => number {
  if (random) return random;
  return seed === undefined ? Math.random : mulberry32(seed);
}
