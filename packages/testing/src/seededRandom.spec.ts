import { seededRandom } from './index.js';

describe('seededRandom', () => {
  it('replays the mulberry32 sequence of a seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(first.map((x) => Math.floor(x * 1000))).toEqual([601, 448, 852]);
  });

  it('gives another sequence for another seed, and uses only the low 32 bits', () => {
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
    expect(seededRandom(2 ** 32 + 5)()).toBe(seededRandom(5)());
  });

  it('stays in [0, 1)', () => {
    const r = seededRandom(20261127);
    const xs = Array.from({ length: 10_000 }, r);
    expect(xs.filter((x) => !(x >= 0 && x < 1))).toEqual([]);
  });
});
