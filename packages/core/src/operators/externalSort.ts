import type { NodeContext, NodeOptions, Transformer } from '../contracts.js';
import { InvalidArgumentError, requireFunction, StreamWeaveError } from '../errors.js';
import { CreditPool, withAmbientPool } from '../internal/credit.js';
import { defineTransformer } from '../internal/define.js';
import type { Signal } from '../signals.js';
import { failed } from './internal/guard.js';
import { Heap, type Keyed, keyItem, positiveInt, resolveOrder, type SortOrder, sortKeyed } from './internal/sorting.js';
import { memoryRunStore, type SortRunStore } from './sortRunStore.js';

/** Options of {@link externalSort}. */
export interface ExternalSortOptions<T, K> extends SortOrder<T, K>, NodeOptions {
  /** Spill a sorted run once this many items are buffered. */
  readonly maxItemsInMemory?: number;
  /** Spill a sorted run once the buffered items are estimated at this many bytes (default 64 MiB). */
  readonly maxBytesInMemory?: number;
  /** Estimated size of an item in bytes (default: a rough estimate by type). */
  readonly estimateBytes?: (item: T) => number;
  /** Creates the run store for one run of the pipeline (default: {@link memoryRunStore}; use `fileRunStore` from `@streamweave/core/node` to spill to disk). */
  readonly store?: (ctx: NodeContext) => SortRunStore<T>;
  /** Items emitted at most before waiting for downstream credit, while merging (default 1024). */
  readonly outputWindow?: number;
}

/** Rough size of a value in bytes, without serializing it. @internal */
export function roughBytes(v: unknown, depth = 0): number {
  switch (typeof v) {
    case 'number':
      return 8;
    case 'string':
      return 16 + 2 * v.length;
    case 'boolean':
      return 4;
    case 'object': {
      if (v === null) return 8;
      if (depth > 2) return 64;
      let n = 32;
      if (Array.isArray(v)) for (const x of v) n += 8 + roughBytes(x, depth + 1);
      else for (const k in v) n += 16 + 2 * k.length + roughBytes((v as Record<string, unknown>)[k], depth + 1);
      return n;
    }
    default:
      return 16;
  }
}

/**
 * Total sort of a bounded input larger than memory. Items are buffered until
 * the memory bound (`maxItemsInMemory` and/or `maxBytesInMemory`), then the
 * buffer is sorted and written to the run store as a sorted run; at the end of
 * input the runs are k-way merged (a heap over one cursor per run) and the
 * output is emitted in order, pacing itself by downstream credit.
 *
 * Signals: watermarks and barriers are held back until the sorted output has
 * been emitted (a total sort cannot emit anything before its input ends), then
 * forwarded in their original order before EndOfStream. Use it on bounded
 * inputs; for unbounded ones use {@link sortBuffer}.
 *
 * Bad input: a missing or throwing key goes through the error strategy naming
 * `externalSort` and the item position; store failures fail the run.
 *
 * @example
 * ```ts
 * import { fileRunStore } from '@streamweave/core/node';
 * pipeline().from(records).pipe(externalSort({ key: (r) => r.id, maxBytesInMemory: 50e6, store: () => fileRunStore() })).to(sink);
 * ```
 * @see {@link sortBuffer}, {@link topN}, {@link memoryRunStore}
 */
export function externalSort<T, K = T>(options: ExternalSortOptions<T, K> = {}): Transformer<T, T> {
  const order = resolveOrder<T>('externalSort', options as SortOrder<T, unknown>);
  const maxItems = options.maxItemsInMemory === undefined ? Infinity : positiveInt('externalSort', 'maxItemsInMemory', options.maxItemsInMemory);
  const maxBytes = options.maxBytesInMemory ?? (options.maxItemsInMemory === undefined ? 64 * 1024 * 1024 : Infinity);
  if (!(maxBytes > 0)) throw new InvalidArgumentError(`externalSort: \`maxBytesInMemory\` must be a positive number, got ${String(maxBytes)}`);
  const estimate = options.estimateBytes ?? roughBytes;
  requireFunction('externalSort', 'estimateBytes', estimate);
  const makeStore = options.store ?? (() => memoryRunStore<T>());
  requireFunction('externalSort', 'store', makeStore);
  const outputWindow = positiveInt('externalSort', 'outputWindow', options.outputWindow ?? 1024);
  return defineTransformer<T, T>(
    'externalSort',
    { maxItemsInMemory: maxItems, maxBytesInMemory: maxBytes, key: options.key, compare: options.compare, descending: options.descending },
    options,
    (out, ctx) => {
      let buf: Keyed<T>[] = [];
      let bytes = 0;
      let store: SortRunStore<T> | undefined;
      const runs: number[] = [];
      let writing: Promise<void> = Promise.resolve();
      const held: Signal[] = [];
      let closed = false;
      const pool = new CreditPool(outputWindow);

      const fail = (e: unknown) => {
        if (closed) return;
        closed = true;
        out.error(e instanceof StreamWeaveError ? e : new StreamWeaveError('sort run store failed', { component: ctx.component, cause: e }));
      };
      const spill = () => {
        const b = buf;
        buf = [];
        bytes = 0;
        if (!sortKeyed(ctx, out, order, b)) {
          closed = true;
          return;
        }
        store ??= makeStore(ctx);
        const s = store;
        const items = b.map((e) => e.v);
        writing = writing.then(async () => {
          runs.push(await s.writeRun(items));
        });
        writing.catch(fail);
      };
      // Emits one item against the output window; waits (asynchronously) only when the window is used up.
      const emit = (v: T): Promise<void> | undefined => {
        if (pool.available <= 0) return pool.whenAvailable().then(() => emitNow(v));
        emitNow(v);
        return undefined;
      };
      const emitNow = (v: T) => {
        if (closed) return;
        ctx.stats.out++;
        withAmbientPool(pool, () => out.next(v));
      };
      const finish = async () => {
        if (runs.length === 0 && !store) {
          if (!sortKeyed(ctx, out, order, buf)) return;
          const b = buf;
          buf = [];
          for (const e of b) {
            if (closed) return;
            const wait = emit(e.v);
            if (wait) await wait;
          }
        } else {
          if (buf.length > 0) spill();
          await writing;
          await merge(store!);
        }
        if (closed) return;
        for (const s of held) out.next(s);
        closed = true;
        out.complete();
      };
      const merge = async (s: SortRunStore<T>) => {
        type Cursor = { it: AsyncIterator<readonly T[]>; batch: readonly T[]; i: number; k: unknown; run: number };
        const less = (a: Cursor, b: Cursor) => {
          const c = order.cmp(a.k, b.k);
          return c < 0 || (c === 0 && a.run < b.run);
        };
        const heap = new Heap<Cursor>(less);
        // Next item of a cursor: synchronous within a batch, awaiting only for the next batch.
        const nextBatch = async (c: Cursor): Promise<boolean> => {
          for (;;) {
            const r = await c.it.next();
            if (r.done) return false;
            if (r.value.length === 0) continue;
            c.batch = r.value;
            c.i = 0;
            c.k = order.keyOf(c.batch[0]!);
            return true;
          }
        };
        for (const [n, id] of runs.entries()) {
          const c: Cursor = { it: s.readRun(id)[Symbol.asyncIterator](), batch: [], i: 0, k: undefined, run: n };
          if (await nextBatch(c)) heap.push(c);
        }
        while (heap.size > 0 && !closed) {
          const c = heap.peek()!;
          const wait = emit(c.batch[c.i]!);
          if (wait) await wait;
          c.i++;
          if (c.i < c.batch.length) {
            c.k = order.keyOf(c.batch[c.i]!);
            heap.replaceTop(c);
          } else if (await nextBatch(c)) heap.replaceTop(c);
          else heap.pop();
        }
        await s.dispose();
      };
      return {
        item(value, position) {
          if (closed) return;
          const e = keyItem(ctx, out, order, value, position);
          if (e === failed) return;
          buf.push(e);
          if (maxBytes !== Infinity) bytes += estimate(value);
          if (buf.length >= maxItems || bytes >= maxBytes) spill();
        },
        signal(s) {
          if (s.kind === 'end') {
            held.push(s);
            finish().catch(fail);
          } else held.push(s);
        },
        complete() {
          // Completion without EndOfStream (an upstream take): finish the same way.
          if (!held.some((s) => s.kind === 'end')) finish().catch(fail);
        },
        teardown() {
          closed = true;
          pool.wake();
          void store?.dispose().catch(() => undefined);
        },
      };
    },
  );
}
