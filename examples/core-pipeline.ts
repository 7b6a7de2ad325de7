// A typed pipeline: numbers → double → keep multiples of 3 → sum, with per-node stats.
import { filter, fromArray, map, pipeline, reduceTo } from '@streamweave/core';

const { result, stats } = await pipeline()
  .from(fromArray([1, 2, 3, 4, 5, 6, 7, 8, 9]))
  .pipe(map((x) => x * 2))
  .pipe(filter((x) => x % 3 === 0))
  .to(reduceTo((sum, x) => sum + x, 0))
  .run();

console.log('sum of doubled multiples of 3:', result);
console.log('per-node stats:', stats);
if (result !== 36) throw new Error(`expected 36, got ${result}`);
