/**
 * Fan-in that keeps control signals correct: watermarks combine as the minimum
 * over the live inputs that are not idle (an input is idle from an idle
 * watermark until its next active watermark or item; when every live input is
 * idle, the output is marked idle too), checkpoint barriers are aligned (an input that has
 * delivered barrier n is held back, its items buffered with backpressure credit,
 * until every input has delivered n), and EndOfStream is emitted once every
 * input has ended.
 */
import { Observable } from 'rxjs';
import type { CreditHold } from '../contracts.js';
import {
  type CheckpointBarrier,
  type Element,
  endOfStream,
  isCheckpointBarrier,
  isEndOfStream,
  isSignal,
  isWatermark,
  Watermark,
} from '../signals.js';
import { takeAmbientHold } from './credit.js';

/** Marks, inside a blocked input's buffer, where the input completed. */
const completion: unique symbol = Symbol('completion');

interface InputState {
  watermark: number;
  idle: boolean;
  blockedAt: number | undefined;
  buffer: Array<{ el: Element<unknown> | typeof completion; hold: CreditHold }>;
  ended: boolean;
  completed: boolean;
}

/** Merges `inputs` into one stream with aligned signals. */
export function alignedMerge<T>(inputs: ReadonlyArray<Observable<Element<T>>>): Observable<Element<T>> {
  if (inputs.length === 1) return inputs[0]!;
  return new Observable<Element<T>>((out) => {
    const states: InputState[] = inputs.map(() => ({
      watermark: -Infinity,
      idle: false,
      blockedAt: undefined,
      buffer: [],
      ended: false,
      completed: false,
    }));
    let emittedWatermark = -Infinity;
    let outputIdle = false;
    let endEmitted = false;
    let pendingBarrier: CheckpointBarrier | undefined;

    const maybeEmitWatermark = () => {
      let min = Infinity;
      let live = 0;
      let active = 0;
      for (const s of states) {
        if (s.ended) continue;
        live++;
        if (s.idle) continue;
        active++;
        if (s.watermark < min) min = s.watermark;
      }
      if (live > 0 && active === 0) {
        // Every live input is idle: so is the output (its watermark stays where it is).
        if (!outputIdle) {
          outputIdle = true;
          out.next(new Watermark(emittedWatermark, true));
        }
        return;
      }
      if (min > emittedWatermark && min !== Infinity) {
        emittedWatermark = min;
        outputIdle = false;
        out.next(new Watermark(min));
      } else if (outputIdle && active > 0) {
        // Active again without advancing: say so, so downstream fan-ins count this path again.
        outputIdle = false;
        out.next(new Watermark(emittedWatermark));
      }
    };
    const markActive = (s: InputState) => {
      if (!s.idle) return;
      s.idle = false;
      maybeEmitWatermark();
    };
    const maybeReleaseBarrier = () => {
      if (!pendingBarrier) return;
      const id = pendingBarrier.checkpointId;
      if (!states.every((s) => s.ended || s.blockedAt === id)) return;
      const barrier = pendingBarrier;
      pendingBarrier = undefined;
      out.next(barrier);
      for (const s of states) s.blockedAt = undefined;
      // Replay what blocked inputs buffered, in arrival order per input.
      states.forEach((s, i) => {
        const buffered = s.buffer;
        s.buffer = [];
        for (let k = 0; k < buffered.length; k++) {
          const { el, hold } = buffered[k]!;
          hold.release();
          if (s.blockedAt !== undefined) {
            // A second barrier was replayed: keep the rest buffered.
            s.buffer.push(...buffered.slice(k).map((b) => ({ el: b.el, hold: takeAmbientHold() })));
            break;
          }
          handle(i, el as Element<T>);
        }
      });
    };
    const maybeEnd = () => {
      if (!endEmitted && states.every((s) => s.ended)) {
        endEmitted = true;
        out.next(endOfStream);
      }
    };
    const handle = (i: number, el: Element<T>) => {
      const s = states[i]!;
      if (s.blockedAt !== undefined) {
        s.buffer.push({ el, hold: takeAmbientHold() });
        return;
      }
      if ((el as unknown) === completion) {
        completeInput(i);
      } else if (!isSignal(el)) {
        if (s.idle) markActive(s);
        out.next(el);
      } else if (isWatermark(el)) {
        if (el.timestamp > s.watermark) s.watermark = el.timestamp;
        s.idle = el.idle;
        maybeEmitWatermark();
      } else if (isCheckpointBarrier(el)) {
        s.blockedAt = el.checkpointId;
        if (!pendingBarrier || el.checkpointId > pendingBarrier.checkpointId) pendingBarrier = el;
        maybeReleaseBarrier();
      } else if (isEndOfStream(el)) {
        s.ended = true;
        maybeEmitWatermark();
        maybeReleaseBarrier();
        maybeEnd();
      }
    };
    const completeInput = (i: number) => {
      const s = states[i]!;
      s.completed = true;
      if (!s.ended) {
        s.ended = true;
        maybeEmitWatermark();
        maybeReleaseBarrier();
      }
      if (states.every((x) => x.completed)) {
        maybeEnd();
        out.complete();
      }
    };
    const subs = inputs.map((input, i) =>
      input.subscribe({
        next: (el) => handle(i, el),
        error: (e: unknown) => out.error(e),
        complete: () => {
          // An input held at a barrier still has its tail buffered: it completes when that is replayed.
          if (states[i]!.blockedAt !== undefined) states[i]!.buffer.push({ el: completion, hold: takeAmbientHold() });
          else completeInput(i);
        },
      }),
    );
    return () => {
      for (const s of subs) s.unsubscribe();
      for (const s of states) for (const b of s.buffer) b.hold.release();
    };
  });
}
