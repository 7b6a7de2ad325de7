import type { CreditHold, NodeOptions, Transformer } from '../contracts.js';
import { requireFunction, requirePositiveInteger } from '../errors.js';
import { defineTransformer } from '../internal/define.js';
import type { Signal } from '../signals.js';

/** What a {@link flatMap} function may return for one item. */
export type FlatMapResult<O> = Iterable<O> | AsyncIterable<O> | Promise<Iterable<O> | AsyncIterable<O>>;

/** Options of {@link flatMap}. */
export interface FlatMapOptions extends NodeOptions {
  /** Items expanded at once (default 1, like RxJS `concatMap`). */
  readonly concurrency?: number;
  /** Keep the outputs of earlier items before later ones (default true). Unordered output never lets an item overtake a signal. */
  readonly ordered?: boolean;
}

interface ItemEntry<O> {
  readonly kind: 'item';
  readonly input: unknown;
  readonly position: number;
  hold: CreditHold;
  state: 'waiting' | 'running' | 'done';
  buffered: O[];
}
type Entry<O> = ItemEntry<O> | { readonly kind: 'signal'; readonly signal: Signal };

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}
function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function';
}

/**
 * Maps each item to many: `fn` returns an array or other iterable, an async
 * iterable, or a promise of either. Synchronous results pass straight through;
 * asynchronous ones run with bounded `concurrency`, each expanding item holding
 * one backpressure credit until its last output has left, so a slow expansion
 * slows the source. Signals keep their place after every output of the items
 * before them. Failures go through the error strategy; a retried item restarts
 * its expansion (outputs it already emitted stay emitted: at-least-once).
 *
 * @example
 * ```ts
 * pipeline().from(fromArray(['a b', 'c'])).pipe(flatMap((line) => line.split(' '))).to(collect()); // ['a', 'b', 'c']
 * pipeline().from(fromArray(pages)).pipe(flatMap(async (p) => fetchRows(p), { concurrency: 4 })).to(sink);
 * ```
 * @see {@link flatten}, {@link mapAsync}
 */
export function flatMap<I, O>(fn: (item: I, position: number) => FlatMapResult<O>, options: FlatMapOptions = {}): Transformer<I, O> {
  requireFunction('flatMap', 'fn', fn);
  const concurrency = options.concurrency ?? 1;
  requirePositiveInteger('flatMap', 'concurrency', concurrency, true);
  const ordered = options.ordered ?? true;
  return defineTransformer<I, O>('flatMap', { fn, concurrency, ordered }, options, (out, ctx) => {
    const entries: Entry<O>[] = [];
    let running = 0;
    let inputDone = false;
    let closed = false;

    const fail = (e: ItemEntry<O>, err: unknown, attempt: number): void => {
      const d = ctx.fail(err, e.input, e.position, attempt);
      if (d.action === 'stop') {
        close();
        out.error(d.error);
        return;
      }
      if (d.action === 'retry') {
        e.buffered = [];
        ctx.clock.schedule(() => {
          if (!closed) run(e, attempt + 1);
        }, d.delayMs);
        return;
      }
      finish(e);
    };
    const canStream = (e: ItemEntry<O>): boolean => {
      for (const x of entries) {
        if (x === e) return true;
        if (x.kind === 'signal' || ordered) return false;
      }
      return false;
    };
    const deliver = (e: ItemEntry<O>, v: O) => {
      if (closed) return;
      if (canStream(e)) {
        e.hold.run(() => {
          ctx.stats.out++;
          out.next(v);
        });
      } else e.buffered.push(v);
    };
    const finish = (e: ItemEntry<O>) => {
      running--;
      e.state = 'done';
      flush();
    };
    const run = (e: ItemEntry<O>, attempt: number) => {
      let r: FlatMapResult<O>;
      try {
        r = fn(e.input as I, e.position);
      } catch (err) {
        fail(e, err, attempt);
        return;
      }
      consume(e, r, attempt);
    };
    const consume = (e: ItemEntry<O>, r: FlatMapResult<O>, attempt: number) => {
      void (async () => {
        try {
          const res = await r;
          if (isAsyncIterable(res)) {
            for await (const v of res) {
              if (closed) return;
              deliver(e, v);
            }
          } else if (isIterable(res)) {
            for (const v of res) deliver(e, v);
          } else throw new TypeError(`flatMap: fn must return an iterable or async iterable, got ${res === null ? 'null' : typeof res}`);
        } catch (err) {
          if (!closed) fail(e, err, attempt);
          return;
        }
        if (!closed) finish(e);
      })();
    };
    const flush = () => {
      if (closed) return;
      for (;;) {
        const head = entries[0];
        if (!head) break;
        if (head.kind === 'signal') {
          entries.shift();
          out.next(head.signal);
          continue;
        }
        // The head may stream now: release what it buffered while it could not.
        const pending = head.buffered;
        head.buffered = [];
        for (const v of pending) {
          head.hold.run(() => {
            ctx.stats.out++;
            out.next(v);
          });
        }
        if (head.state !== 'done') {
          if (ordered) break;
          // Unordered: finished items later in the same segment may leave too.
          for (let i = 1; i < entries.length; i++) {
            const x = entries[i]!;
            if (x.kind === 'signal') break;
            for (const v of x.buffered.splice(0)) x.hold.run(() => { ctx.stats.out++; out.next(v); });
            if (x.state === 'done') {
              entries.splice(i--, 1);
              x.hold.release();
            }
          }
          break;
        }
        entries.shift();
        head.hold.release();
      }
      for (const e of entries) {
        if (running >= concurrency) break;
        if (e.kind === 'item' && e.state === 'waiting') {
          e.state = 'running';
          running++;
          run(e, 1);
        }
      }
      if (inputDone && entries.length === 0 && !closed) {
        closed = true;
        out.complete();
      }
    };
    const close = () => {
      closed = true;
      for (const e of entries) if (e.kind === 'item') e.hold.release();
      entries.length = 0;
    };
    return {
      item(value, position) {
        const e: ItemEntry<O> = { kind: 'item', input: value, position, hold: undefined as never, state: 'waiting', buffered: [] };
        if (entries.length === 0 && running < concurrency) {
          // Fast path: a synchronous iterable result with nothing pending needs no credit.
          let r: FlatMapResult<O>;
          try {
            r = fn(value, position);
          } catch (err) {
            e.hold = ctx.hold();
            entries.push(e);
            e.state = 'running';
            running++;
            fail(e, err, 1);
            return;
          }
          if (isIterable(r) && !isAsyncIterable(r)) {
            for (const v of r) {
              ctx.stats.out++;
              out.next(v);
            }
            return;
          }
          e.hold = ctx.hold();
          entries.push(e);
          e.state = 'running';
          running++;
          consume(e, r, 1);
          return;
        }
        e.hold = ctx.hold();
        entries.push(e);
        flush();
      },
      signal(s) {
        if (entries.length === 0) out.next(s);
        else entries.push({ kind: 'signal', signal: s });
      },
      complete() {
        inputDone = true;
        flush();
      },
      teardown: close,
    };

  });
}
