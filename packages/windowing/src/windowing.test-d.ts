/** Type-level tests: what must (and must not) compile. Checked by `pnpm typecheck`. */
import { collect, fromArray, pipeline } from '@streamweave/core';
import { count, sum } from './aggregate.js';
import { tumblingWindows } from './assigners/tumblingWindows.js';
import { assignTimestampsAndWatermarks } from './watermarks/assignTimestampsAndWatermarks.js';
import { monotonousTimestamps } from './watermarks/monotonousTimestamps.js';
import { windowAggregate } from './windowAggregate.js';
import { windowProcess } from './windowProcess.js';
import type { WindowResult } from './windows.js';

interface Ev {
  user: string;
  ts: number;
  amount: number;
}

// Keyed aggregate: results carry the key type and the aggregate's result type.
const keyed = windowAggregate({ assigner: tumblingWindows<Ev>(1000), timestamp: (e: Ev) => e.ts, key: (e: Ev) => e.user, aggregate: sum((e: Ev) => e.amount) });
export const keyedOk: Promise<{ result: WindowResult<string, number>[] }> = pipeline()
  .from(fromArray<Ev>([]))
  .pipe(assignTimestampsAndWatermarks({ timestamp: (e: Ev) => e.ts, watermarks: monotonousTimestamps() }))
  .pipe(keyed)
  .to(collect())
  .run();

type Out<X> = X extends { readonly __out?: () => infer O } ? O : never;

// Non-keyed windows have an undefined key.
const unkeyed = windowAggregate({ assigner: tumblingWindows<Ev>(1000), timestamp: (e: Ev) => e.ts, aggregate: count<Ev>() });
export const unkeyedResult: Out<typeof unkeyed> = { key: undefined, window: { start: 0, end: 1 }, result: 1, timing: 'on-time', firing: 0 };
// @ts-expect-error non-keyed results have no string key
export const unkeyedWrong: Out<typeof unkeyed> = { key: 'x', window: { start: 0, end: 1 }, result: 1, timing: 'on-time', firing: 0 };

// The late port carries the input items, the out port the window results.
const ports = keyed.withLateOutput();
export const portTypes: Out<typeof ports> = { out: { key: 'u', window: { start: 0, end: 1 }, result: 2, timing: 'late', firing: 1 }, late: { user: 'u', ts: 0, amount: 1 } };
// @ts-expect-error the late port carries Ev items, not numbers
export const portWrong: Out<typeof ports> = { out: { key: 'u', window: { start: 0, end: 1 }, result: 2, timing: 'late', firing: 1 }, late: 5 };

// A process function sees the items and returns its own result type.
export const processed = windowProcess({ assigner: tumblingWindows<Ev>(1000), timestamp: (e: Ev) => e.ts, process: (items: Ev[], info) => ({ n: items.length, start: info.window.start }) });

// @ts-expect-error a window operator over Ev cannot follow a source of numbers
pipeline().from(fromArray([1, 2, 3])).pipe(keyed);

// @ts-expect-error the key selector must take the item type
windowAggregate({ assigner: tumblingWindows<Ev>(1000), timestamp: (e: Ev) => e.ts, key: (e: number) => e, aggregate: count<Ev>() });

// @ts-expect-error the timestamp extractor must return a number
windowAggregate({ assigner: tumblingWindows<Ev>(1000), timestamp: (e: Ev) => e.user, aggregate: count<Ev>() });

// @ts-expect-error an aggregate function is required
windowAggregate({ assigner: tumblingWindows<Ev>(1000), timestamp: (e: Ev) => e.ts });
