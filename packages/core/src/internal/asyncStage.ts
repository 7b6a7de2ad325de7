/**
 * The engine of asynchronous per-item stages (mapAsync, retry, circuitBreaker):
 * bounded concurrency, ordered or unordered output, signals kept in order, and
 * one backpressure credit held per item from arrival until it leaves.
 *
 * In unordered mode items may overtake each other, but never a signal: a
 * watermark or barrier is emitted only after every item that arrived before it.
 */
import type { Subscriber } from 'rxjs';
import type { CreditHold, NodeContext } from '../contracts.js';
import type { Element, Signal } from '../signals.js';
import type { OperatorHandlers } from './define.js';

interface ItemEntry<O> {
  readonly kind: 'item';
  state: 'waiting' | 'running' | 'retrying' | 'done' | 'dropped';
  value: O | undefined;
  readonly input: unknown;
  readonly position: number;
  readonly hold: CreditHold;
}
interface SignalEntry {
  readonly kind: 'signal';
  readonly signal: Signal;
}
type Entry<O> = ItemEntry<O> | SignalEntry;

/** Options of {@link asyncStage}. */
export interface AsyncStageOptions {
  readonly concurrency: number;
  readonly ordered: boolean;
}

/** Builds the handlers of an async stage; `call` performs one attempt. */
export function asyncStage<I, O>(
  out: Subscriber<Element<O>>,
  ctx: NodeContext,
  options: AsyncStageOptions,
  call: (value: I, position: number, attempt: number) => Promise<O>,
): OperatorHandlers<I> {
  const entries: Entry<O>[] = [];
  let running = 0;
  let inputDone = false;
  let closed = false;
  const timers = new Set<() => void>();

  const start = (e: ItemEntry<O>, attempt: number) => {
    e.state = 'running';
    running++;
    let p: Promise<O>;
    try {
      p = call(e.input as I, e.position, attempt);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (v) => {
        if (closed) return;
        running--;
        e.state = 'done';
        e.value = v;
        flush();
      },
      (err: unknown) => {
        if (closed) return;
        running--;
        const d = ctx.fail(err, e.input, e.position, attempt);
        if (d.action === 'stop') {
          closed = true;
          releaseAll();
          out.error(d.error);
          return;
        }
        if (d.action === 'retry') {
          e.state = 'retrying';
          running++; // the retry keeps its concurrency slot
          const cancel = ctx.clock.schedule(() => {
            timers.delete(cancel);
            running--;
            if (!closed) start(e, attempt + 1);
          }, d.delayMs);
          timers.add(cancel);
          return;
        }
        e.state = 'dropped';
        flush();
      },
    );
  };

  const startWaiting = () => {
    for (const e of entries) {
      if (running >= options.concurrency) return;
      if (e.kind === 'item' && e.state === 'waiting') start(e, 1);
    }
  };

  const emitItem = (e: ItemEntry<O>) => {
    e.hold.run(() => {
      if (e.state === 'done') {
        ctx.stats.out++;
        out.next(e.value as O);
      }
    });
    e.hold.release();
  };

  const flush = () => {
    if (closed) return;
    if (options.ordered) {
      while (entries.length > 0) {
        const head = entries[0]!;
        if (head.kind === 'signal') {
          entries.shift();
          out.next(head.signal);
          continue;
        }
        if (head.state !== 'done' && head.state !== 'dropped') break;
        entries.shift();
        emitItem(head);
      }
    } else {
      // Emit finished items of the first segment (before the first signal), then the signal once that segment is empty.
      for (;;) {
        let i = 0;
        while (i < entries.length && entries[i]!.kind === 'item') {
          const e = entries[i] as ItemEntry<O>;
          if (e.state === 'done' || e.state === 'dropped') {
            entries.splice(i, 1);
            emitItem(e);
          } else i++;
        }
        if (i === 0 && entries.length > 0 && entries[0]!.kind === 'signal') {
          out.next((entries.shift() as SignalEntry).signal);
          continue;
        }
        break;
      }
    }
    startWaiting();
    if (inputDone && entries.length === 0 && running === 0) {
      closed = true;
      out.complete();
    }
  };

  const releaseAll = () => {
    for (const cancel of timers) cancel();
    timers.clear();
    for (const e of entries) if (e.kind === 'item') e.hold.release();
    entries.length = 0;
  };

  return {
    item(value, position) {
      const e: ItemEntry<O> = { kind: 'item', state: 'waiting', value: undefined, input: value, position, hold: ctx.hold() };
      entries.push(e);
      if (running < options.concurrency) start(e, 1);
    },
    signal(s) {
      if (entries.length === 0) out.next(s);
      else entries.push({ kind: 'signal', signal: s });
    },
    complete() {
      inputDone = true;
      flush();
    },
    teardown() {
      closed = true;
      releaseAll();
    },
  };
}
