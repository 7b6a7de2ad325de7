/** Reproducible out-of-order test inputs come from @streamweave/testing's seeded generator (mulberry32). */
export { seededRandom as mulberry32 } from '@streamweave/testing';

/** Integer in [0, n). */
export function randomInt(random: () => number, n: number): number {
  return Math.floor(random() * n);
}
