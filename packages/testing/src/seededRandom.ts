/** A small seeded PRNG for tests whose random choices must replay from a seed. */

/**
 * A function of uniform numbers in [0, 1) that replays the same sequence for the same
 * `seed` (mulberry32: 32 bits of state, fast, good enough for tests; not for cryptography).
 * Use it wherever a test makes random choices (inputs, kill moments, fault positions), so a
 * failure prints a seed that reproduces it.
 *
 * @param seed - any number; only its low 32 bits count
 * @returns the generator
 * @example
 * ```ts
 * const random = seededRandom(42);
 * const key = `k${Math.floor(random() * 10)}`; // the same key on every run with seed 42
 * ```
 * @see {@link deliveryTally}
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
