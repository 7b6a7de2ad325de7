import { VirtualClock, collect, fromArray, InvalidArgumentError, pipeline, watermark } from '@streamweave/core';
import { Subject } from 'rxjs';
import { count } from '../aggregate.js';
import { countWindows } from '../assigners/countWindows.js';
import { globalWindows } from '../assigners/globalWindows.js';
import { sessionWindows } from '../assigners/sessionWindows.js';
import { tumblingWindows } from '../assigners/tumblingWindows.js';
import { fakeCtx, runTrace, short } from '../test-support/run.js';
import { windowAggregate } from '../windowAggregate.js';
import { windowProcess } from '../windowProcess.js';
import { continuousEventTimeTrigger } from './continuousEventTimeTrigger.js';
import { continuousProcessingTimeTrigger } from './continuousProcessingTimeTrigger.js';
import { countTrigger } from './countTrigger.js';
import { eventTimeTrigger } from './eventTimeTrigger.js';
import { neverTrigger } from './neverTrigger.js';
import { processingTimeTrigger } from './processingTimeTrigger.js';
import { purgingTrigger } from './purgingTrigger.js';
import { type Trigger, TriggerResult } from './trigger.js';

interface Ev {
  k: string;
  ts: number;
}
const ev = (k: string, ts: number): Ev => ({ k, ts });

describe('triggers', () => {
  it('countTrigger fires every n items and keeps the contents (accumulating)', async () => {
    const op = windowAggregate({ assigner: globalWindows<Ev>(), trigger: countTrigger(2), key: (e: Ev) => e.k, aggregate: count<Ev>() });
    const seen = await runTrace(op, [ev('a', 0), ev('b', 0), ev('a', 0), ev('a', 0), ev('a', 0), ev('b', 0)], (r) => `${r.key}=${r.result}/${r.timing}`);
    expect(seen).toEqual(['a=2/on-time', 'a=4/on-time', 'b=2/on-time']);
  });

  it('purgingTrigger turns FIRE into FIRE_AND_PURGE', async () => {
    const op = windowAggregate({ assigner: globalWindows<Ev>(), trigger: purgingTrigger(countTrigger(2)), aggregate: count<Ev>() });
    expect(await runTrace(op, [ev('a', 0), ev('a', 0), ev('a', 0), ev('a', 0), ev('a', 0)], (r) => String(r.result))).toEqual(['2', '2']);
    expect(op.inspect().discardedAtEnd).toBe(1);
  });

  it('neverTrigger (the global windows default) never fires; unfired contents are counted at the end', async () => {
    const op = windowAggregate({ assigner: globalWindows<Ev>(), key: (e: Ev) => e.k, aggregate: count<Ev>() });
    expect(await runTrace(op, [ev('a', 0), ev('b', 0)])).toEqual([]);
    expect(op.inspect().discardedAtEnd).toBe(2);
    expect(neverTrigger().onEventTime(0, { start: 0, end: 1 }, {} as never)).toBe('CONTINUE');
  });

  it('continuousEventTimeTrigger gives early firings every interval of event time, then the on-time one', async () => {
    const op = windowAggregate({ assigner: tumblingWindows<Ev>(30), timestamp: (e: Ev) => e.ts, trigger: continuousEventTimeTrigger(10), aggregate: count<Ev>() });
    const seen = await runTrace(op, [ev('a', 1), ev('a', 2), watermark(10), ev('a', 15), watermark(25), ev('a', 29), watermark(30), ev('a', 3)], short);
    expect(seen).toEqual(['[0,30)=2/early', 'W10', '[0,30)=3/early', 'W25', '[0,30)=4/on-time', 'W30']);
    expect(op.inspect().lateItems).toBe(1);
    expect(() => continuousEventTimeTrigger(0)).toThrow(InvalidArgumentError);
  });

  it('continuousEventTimeTrigger fires at once for an item arriving after the window end (within lateness)', async () => {
    const op = windowAggregate({ assigner: tumblingWindows<Ev>(30), timestamp: (e: Ev) => e.ts, trigger: continuousEventTimeTrigger(10), allowedLateness: 10, aggregate: count<Ev>() });
    expect(await runTrace(op, [watermark(31), ev('a', 1)], short)).toEqual(['W31', '[0,30)=1/on-time']);
  });

  it('continuousProcessingTimeTrigger fires early on the clock, per window with items', async () => {
    const clock = new VirtualClock(0);
    const input = new Subject<Ev | ReturnType<typeof watermark>>();
    const op = windowAggregate({ assigner: tumblingWindows<Ev>(1000), timestamp: (e: Ev) => e.ts, trigger: continuousProcessingTimeTrigger(100), aggregate: count<Ev>() });
    const out: string[] = [];
    op.apply(input as never, fakeCtx(clock)).subscribe((r) => out.push(typeof r === 'object' && r !== null && 'result' in r ? short(r) : 'signal'));
    input.next(ev('a', 5));
    await clock.advanceBy(50);
    input.next(ev('a', 6));
    await clock.advanceBy(60);
    expect(out).toEqual(['[0,1000)=2/early']);
    await clock.advanceBy(100);
    expect(out).toEqual(['[0,1000)=2/early', '[0,1000)=2/early']);
    expect(() => continuousProcessingTimeTrigger(-1)).toThrow(InvalidArgumentError);
  });

  it('processing-time tumbling windows fire when the clock reaches the window end (virtual time)', async () => {
    const clock = new VirtualClock(0);
    const input = new Subject<Ev>();
    const op = windowAggregate({ assigner: tumblingWindows<Ev>(100, { time: 'processing' }), key: (e: Ev) => e.k, aggregate: count<Ev>() });
    const out: string[] = [];
    op.apply(input as never, fakeCtx(clock)).subscribe((r) => out.push(short(r as never)));
    input.next(ev('a', 0));
    input.next(ev('b', 0));
    await clock.advanceBy(99);
    expect(out).toEqual([]);
    input.next(ev('a', 0));
    await clock.advanceBy(1);
    expect(out).toEqual(['a[0,100)=2/on-time', 'b[0,100)=1/on-time']);
    input.next(ev('a', 0));
    await clock.advanceBy(30);
    input.complete();
    // End of input fires pending processing-time windows before completing.
    expect(out).toEqual(['a[0,100)=2/on-time', 'b[0,100)=1/on-time', 'a[100,200)=1/on-time']);
    expect(op.inspect().openWindows).toBe(0);
  });

  it('firings from the clock run under the source credit pool (a hold taken and given back with the first item)', async () => {
    const clock = new VirtualClock(0);
    const input = new Subject<Ev>();
    const log: string[] = [];
    let inHold = false;
    const ctx = {
      ...fakeCtx(clock),
      hold: () => {
        log.push('take');
        return {
          release: () => void log.push('release'),
          run: <R>(fn: () => R): R => {
            inHold = true;
            try {
              return fn();
            } finally {
              inHold = false;
            }
          },
        };
      },
    };
    const op = windowAggregate({ assigner: tumblingWindows<Ev>(100, { time: 'processing' }), key: (e: Ev) => e.k, aggregate: count<Ev>() });
    op.apply(input as never, ctx).subscribe((r) => log.push(`${short(r as never)} held=${inHold}`));
    input.next(ev('a', 0));
    input.next(ev('a', 0));
    await clock.advanceBy(100);
    input.next(ev('b', 0));
    input.complete();
    // No credit stays taken; the end-of-input firing runs in the push of the end signal itself.
    expect(log).toEqual(['take', 'release', 'a[0,100)=2/on-time held=true', 'b[100,200)=1/on-time held=false']);
  });

  it('processing-time windows through a pipeline are flushed at the end of input', async () => {
    const op = windowAggregate({ assigner: tumblingWindows<Ev>(100, { time: 'processing' }), trigger: processingTimeTrigger(), aggregate: count<Ev>() });
    const { result } = await pipeline().from(fromArray([ev('a', 0), ev('a', 0)])).pipe(op).to(collect()).run({ clock: new VirtualClock(250) });
    expect(result.map(short)).toEqual(['[200,300)=2/on-time']);
  });

  it('supports custom triggers with timers, state and PURGE', async () => {
    // Fires every item whose v is "!", purges on "x", and fires at the window end.
    const custom: Trigger<{ ts: number; s: string }> = {
      onElement(item, _ts, window, ctx) {
        ctx.registerEventTimeTimer(window.end);
        ctx.registerEventTimeTimer(window.end - 1);
        ctx.deleteEventTimeTimer(window.end - 1);
        ctx.setState('seen', (ctx.getState<number>('seen') ?? 0) + 1);
        if (item.s === '!') return TriggerResult.FIRE;
        if (item.s === 'x') return TriggerResult.PURGE;
        return TriggerResult.CONTINUE;
      },
      onEventTime: (time, window, ctx) => (time === window.end && (ctx.getState<number>('seen') ?? 0) > 0 ? TriggerResult.FIRE_AND_PURGE : TriggerResult.CONTINUE),
      onProcessingTime: () => TriggerResult.CONTINUE,
    };
    const op = windowProcess({ assigner: tumblingWindows<{ ts: number; s: string }>(10), timestamp: (e) => e.ts, trigger: custom, process: (items) => items.map((i) => i.s).join('') });
    const seen = await runTrace(op, [{ ts: 1, s: 'a' }, { ts: 2, s: '!' }, { ts: 3, s: 'x' }, { ts: 4, s: 'b' }, watermark(9), watermark(10)], (r) => r.result);
    expect(seen).toEqual(['a!', 'W9', 'b', 'W10']);
  });

  it('rejects malformed triggers', () => {
    expect(() => purgingTrigger({} as never)).toThrow(InvalidArgumentError);
    expect(() => countTrigger(0)).toThrow(InvalidArgumentError);
    expect(() => windowAggregate({ assigner: globalWindows(), trigger: { onElement: 1 } as never, aggregate: count() })).toThrow(/trigger/);
  });

  it('eventTimeTrigger and processingTimeTrigger ignore the other time domain', () => {
    expect(eventTimeTrigger().onProcessingTime(1, { start: 0, end: 1 }, {} as never)).toBe('CONTINUE');
    expect(eventTimeTrigger().onEventTime(5, { start: 0, end: 10 }, {} as never)).toBe('CONTINUE');
    expect(processingTimeTrigger().onEventTime(1, { start: 0, end: 1 }, {} as never)).toBe('CONTINUE');
    expect(processingTimeTrigger().onProcessingTime(5, { start: 0, end: 10 }, {} as never)).toBe('CONTINUE');
  });
});

describe('processing-time sessions and trigger composition', () => {
  it('merges processing-time sessions, with early firings from a purging continuous processing-time trigger', async () => {
    const clock = new VirtualClock(0);
    const input = new Subject<Ev>();
    const cleared: string[] = [];
    const inner = continuousProcessingTimeTrigger<Ev>(20);
    const trigger = purgingTrigger<Ev>({ ...inner, clear: (w) => void cleared.push(`${w.start}-${w.end}`) });
    const op = windowAggregate({ assigner: sessionWindows<Ev>(50, { time: 'processing' }), trigger, aggregate: count<Ev>() });
    const out: string[] = [];
    op.apply(input as never, fakeCtx(clock)).subscribe((r) => out.push(short(r as never)));
    input.next(ev('a', 0)); // [0,50), early firing at 20
    await clock.advanceBy(20);
    expect(out).toEqual(['[0,50)=1/early']);
    await clock.advanceBy(10);
    input.next(ev('a', 0)); // t=30: [30,80) merges with the (purged) [0,50) into [0,80)
    expect(cleared).toEqual(['0-50']);
    await clock.advanceBy(10); // t=40: the merged window keeps the pending early firing
    expect(out).toEqual(['[0,50)=1/early', '[0,80)=1/early']);
    await clock.advanceBy(40); // t=80: nothing new to fire; the session ends and is cleared
    expect(out).toHaveLength(2);
    expect(cleared).toEqual(['0-50', '0-80']);
    expect(op.inspect().openWindows).toBe(0);
    input.complete();
  });

  it('the default processing-time trigger fires merged sessions at their end', async () => {
    const clock = new VirtualClock(0);
    const input = new Subject<Ev>();
    const op = windowAggregate({ assigner: sessionWindows<Ev>(50, { time: 'processing' }), trigger: processingTimeTrigger(), aggregate: count<Ev>() });
    const out: string[] = [];
    op.apply(input as never, fakeCtx(clock)).subscribe((r) => out.push(short(r as never)));
    input.next(ev('a', 0));
    await clock.advanceBy(30);
    input.next(ev('a', 0));
    await clock.advanceBy(49);
    expect(out).toEqual([]);
    await clock.advanceBy(1);
    expect(out).toEqual(['[0,80)=2/on-time']);
    input.complete();
  });

  it('purgingTrigger delegates event-time and processing-time callbacks, and count triggers ignore time', () => {
    const ctx = { currentWatermark: 0 } as never;
    const w = { start: 0, end: 10 };
    expect(purgingTrigger(eventTimeTrigger()).onEventTime(10, w, ctx)).toBe('FIRE_AND_PURGE');
    expect(purgingTrigger(processingTimeTrigger()).onProcessingTime(10, w, ctx)).toBe('FIRE_AND_PURGE');
    expect(purgingTrigger(eventTimeTrigger()).onProcessingTime(10, w, ctx)).toBe('CONTINUE');
    expect(countTrigger(2).onEventTime(1, w, ctx)).toBe('CONTINUE');
    expect(countTrigger(2).onProcessingTime(1, w, ctx)).toBe('CONTINUE');
    expect(continuousEventTimeTrigger(5).onProcessingTime(1, w, ctx)).toBe('CONTINUE');
    expect(continuousEventTimeTrigger(5).onEventTime(3, w, { getState: () => undefined } as never)).toBe('CONTINUE');
    expect(continuousProcessingTimeTrigger(5).onEventTime(1, w, ctx)).toBe('CONTINUE');
    expect(continuousProcessingTimeTrigger(5).onProcessingTime(7, w, { getState: () => 5 } as never)).toBe('CONTINUE');
  });

  it('custom triggers can delete processing-time timers', async () => {
    const clock = new VirtualClock(0);
    const input = new Subject<Ev>();
    const trigger: Trigger<Ev> = {
      onElement(_e, _ts, w, ctx) {
        ctx.registerProcessingTimeTimer(w.end);
        ctx.registerProcessingTimeTimer(w.end);
        if (ctx.getState('n')) ctx.deleteProcessingTimeTimer(w.end);
        ctx.setState('n', 1);
        return TriggerResult.CONTINUE;
      },
      onEventTime: () => TriggerResult.CONTINUE,
      onProcessingTime: () => TriggerResult.FIRE,
    };
    const op = windowAggregate({ assigner: tumblingWindows<Ev>(100, { time: 'processing' }), trigger, aggregate: count<Ev>() });
    const out: string[] = [];
    op.apply(input as never, fakeCtx(clock)).subscribe((r) => out.push(short(r as never)));
    input.next(ev('a', 0));
    input.next(ev('a', 0));
    await clock.advanceBy(150);
    expect(out).toEqual([]);
    input.complete();
  });
});

describe('count windows', () => {
  it('tumbling count windows per key (purging count trigger)', async () => {
    const op = windowAggregate({ assigner: countWindows<Ev>(2), key: (e: Ev) => e.k, aggregate: count<Ev>() });
    const seen = await runTrace(op, [ev('a', 0), ev('b', 0), ev('a', 0), ev('a', 0), ev('b', 0), ev('a', 0)], (r) => `${r.key}=${r.result}#${r.firing}`);
    expect(seen).toEqual(['a=2#0', 'b=2#0', 'a=2#1']);
  });

  it('sliding count windows: the last size items every slide items (count evictor)', async () => {
    const op = windowProcess({ assigner: countWindows<number>(3, 2), process: (items: number[]) => items.join('') });
    expect(await runTrace(op, [1, 2, 3, 4, 5, 6, 7], (r) => r.result)).toEqual(['12', '234', '456']);
    expect(op.inspect().discardedAtEnd).toBe(1);
    expect(() => countWindows(0)).toThrow(InvalidArgumentError);
    expect(() => countWindows(3, 1.5)).toThrow(InvalidArgumentError);
  });
});
