import { InvalidArgumentError, isSignal, VirtualClock, watermark } from '@streamweave/core';
import { Subject } from 'rxjs';
import { count } from '../aggregate.js';
import { sessionWindows } from '../assigners/sessionWindows.js';
import { tumblingWindows } from '../assigners/tumblingWindows.js';
import { fakeCtx, runTrace, short } from '../test-support/run.js';
import { windowAggregate } from '../windowAggregate.js';
import { afterWatermark } from './afterWatermark.js';
import { continuousEventTimeTrigger } from './continuousEventTimeTrigger.js';
import { continuousProcessingTimeTrigger } from './continuousProcessingTimeTrigger.js';
import { countTrigger } from './countTrigger.js';

const counted = (trigger: ReturnType<typeof afterWatermark<number>>, allowedLateness = 0) =>
  windowAggregate({ assigner: tumblingWindows<number>(10), timestamp: (x: number) => x, allowedLateness, trigger, aggregate: count<number>() });

describe('afterWatermark', () => {
  it('without sub-triggers behaves like eventTimeTrigger (on time + every late item)', async () => {
    expect(await runTrace(counted(afterWatermark(), 10), [1, 2, watermark(10), 3, 4], short)).toEqual([
      '[0,10)=2/on-time', 'W10', '[0,10)=3/late', '[0,10)=4/late',
    ]);
  });

  it('fires early every n items before the end, then on time', async () => {
    expect(await runTrace(counted(afterWatermark({ early: countTrigger(2) })), [1, 2, 3, 4, 5, watermark(10)], short)).toEqual([
      '[0,10)=2/early', '[0,10)=4/early', '[0,10)=5/on-time', 'W10',
    ]);
  });

  it('re-fires late items in batches of the late trigger, not once per item', async () => {
    const op = counted(afterWatermark({ late: countTrigger(3) }), 100);
    expect(await runTrace(op, [1, watermark(10), 2, 3, 4, 5, 6, 7, 8], short)).toEqual([
      '[0,10)=1/on-time', 'W10', '[0,10)=4/late', '[0,10)=7/late',
    ]);
  });

  it('routes event-time and processing-time timers to the early or the late trigger', async () => {
    const op = counted(afterWatermark({ early: continuousEventTimeTrigger(4), late: continuousEventTimeTrigger(5) }), 30);
    const seen = await runTrace(op, [1, watermark(4), watermark(10), 2, watermark(15), watermark(40)], short);
    expect(seen).toEqual(['[0,10)=1/early', 'W4', '[0,10)=1/early', '[0,10)=1/on-time', 'W10', '[0,10)=2/late', 'W15', 'W40']);

    const clock = new VirtualClock(0);
    const input = new Subject<number>();
    const pt = counted(afterWatermark({ early: continuousProcessingTimeTrigger(100) }));
    const out: string[] = [];
    pt.apply(input as never, fakeCtx(clock)).subscribe((r) => out.push(isSignal(r) ? 'signal' : short(r as never)));
    input.next(1);
    await clock.advanceBy(100);
    expect(out).toEqual(['[0,10)=1/early']);
    input.complete();
  });

  it('merges with session windows, keeping sub-trigger state per scope', async () => {
    const op = windowAggregate({ assigner: sessionWindows<number>(5), timestamp: (x: number) => x, trigger: afterWatermark({ early: countTrigger(3) }), aggregate: count<number>() });
    // 0 → [0,5), 10 → [10,15), 5 → [5,10) bridges both: counts 1 + 1 merge, + 1 → early firing.
    expect(await runTrace(op, [0, 10, 5, 13, watermark(30)], short)).toEqual(['[0,15)=3/early', '[0,18)=4/on-time', 'W30']);
  });

  it('rejects malformed sub-triggers', () => {
    expect(() => afterWatermark({ early: {} as never })).toThrow(InvalidArgumentError);
    expect(() => afterWatermark({ late: 1 as never })).toThrow(InvalidArgumentError);
  });
});
