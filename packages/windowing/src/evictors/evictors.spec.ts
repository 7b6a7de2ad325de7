import { InvalidArgumentError } from '@streamweave/core';
import { count, sum } from '../aggregate.js';
import { globalWindows } from '../assigners/globalWindows.js';
import { tumblingWindows } from '../assigners/tumblingWindows.js';
import { runTrace } from '../test-support/run.js';
import { countTrigger } from '../triggers/countTrigger.js';
import { windowAggregate } from '../windowAggregate.js';
import { windowProcess } from '../windowProcess.js';
import { windowReduce } from '../windowReduce.js';
import { countEvictor } from './countEvictor.js';
import { deltaEvictor } from './deltaEvictor.js';
import type { Evictor } from './evictor.js';
import { timeEvictor } from './timeEvictor.js';

const joined = (items: number[]) => items.join(',');

describe('evictors', () => {
  it('countEvictor keeps the last n items before the window function', async () => {
    const op = windowProcess({ assigner: globalWindows<number>(), trigger: countTrigger(2), evictor: countEvictor(3), process: joined });
    expect(await runTrace(op, [1, 2, 3, 4, 5, 6], (r) => r.result)).toEqual(['1,2', '2,3,4', '4,5,6']);
  });

  it('countEvictor after the function: the function sees everything, the buffer is trimmed afterwards', async () => {
    const op = windowProcess({ assigner: globalWindows<number>(), trigger: countTrigger(2), evictor: countEvictor(1, { after: true }), process: joined });
    expect(await runTrace(op, [1, 2, 3, 4], (r) => r.result)).toEqual(['1,2', '2,3,4']);
  });

  it('timeEvictor keeps items within windowMs of the newest', async () => {
    const op = windowProcess({ assigner: tumblingWindows<number>(100), timestamp: (x: number) => x, evictor: timeEvictor(10), process: joined });
    expect(await runTrace(op, [1, 50, 45, 41, 40], (r) => r.result)).toEqual(['50,45,41']);
  });

  it('deltaEvictor drops items whose delta to the newest is at or above the threshold', async () => {
    const op = windowProcess({ assigner: globalWindows<number>(), trigger: countTrigger(4), evictor: deltaEvictor(5, (a: number, b: number) => Math.abs(a - b)), process: joined });
    expect(await runTrace(op, [1, 9, 12, 10], (r) => r.result)).toEqual(['9,12,10']);
  });

  it('with an evictor, aggregate and reduce run over the kept items at firing time', async () => {
    const agg = windowAggregate({ assigner: globalWindows<number>(), trigger: countTrigger(3), evictor: countEvictor(2), aggregate: sum((x: number) => x) });
    expect(await runTrace(agg, [1, 2, 3, 4, 5, 6], (r) => String(r.result))).toEqual(['5', '11']);
    const red = windowReduce({ assigner: globalWindows<number>(), trigger: countTrigger(3), evictor: countEvictor(2), reduce: (a: number, b: number) => a * b });
    expect(await runTrace(red, [1, 2, 3, 4, 5, 6], (r) => String(r.result))).toEqual(['6', '30']);
  });

  it('a custom evictor may empty the window; the function then sees no items', async () => {
    const all: Evictor<number> = { evictBefore: (items) => void items.splice(0) };
    const op = windowAggregate({ assigner: globalWindows<number>(), trigger: countTrigger(2), evictor: all, aggregate: count<number>() });
    expect(await runTrace(op, [1, 2, 3, 4], (r) => String(r.result))).toEqual(['0', '0']);
  });

  it('rejects bad arguments', () => {
    expect(() => countEvictor(0)).toThrow(InvalidArgumentError);
    expect(() => timeEvictor(-1)).toThrow(InvalidArgumentError);
    expect(() => deltaEvictor(NaN, () => 0)).toThrow(InvalidArgumentError);
    expect(() => deltaEvictor(1, 'x' as never)).toThrow(InvalidArgumentError);
  });
});
