// Testing an operator in virtual time: marble input, exact output with signals, fault injection.
import { checkpointBarrier, delay, map, onError, VirtualClock, watermark } from '@streamweave/core';
import { expectNoLeakedTimers, failAt, formatElements, fromMarbles, runOperator } from '@streamweave/testing';

const plain = await runOperator(map((x: number) => x * 10), [1, watermark(5), 2, checkpointBarrier(1, 0)]);
console.log('map output:', formatElements(plain.elements), plain.stats);
if (formatElements(plain.elements).join(' ') !== '10 W(5) 20 B(1)') throw new Error('unexpected map output');

const clock = new VirtualClock();
const timed = await runOperator(delay<string>(15), fromMarbles<string>('a-b-(c|)'), { clock });
console.log('delay output:', timed.data, 'virtual time at end:', clock.now(), 'ms');
if (timed.data.join() !== 'a,b,c' || clock.now() !== 55) throw new Error('unexpected delay output');
expectNoLeakedTimers(clock);

const skipped = await runOperator(failAt<number>(1), [10, 20, 30], { errors: onError.skip() });
console.log('failAt(1) under skip:', skipped.data, skipped.stats);
if (skipped.data.join() !== '10,30' || skipped.stats.skipped !== 1) throw new Error('unexpected skip output');
