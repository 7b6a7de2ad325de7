/** Shared option handling of the join operators. */
import type { Subscriber } from 'rxjs';
import type { NodeContext } from '../../contracts.js';
import { requireFunction } from '../../errors.js';
import { type failed, guard, MissingKeyError } from './guard.js';

/** How a join reads one side: its key and (for event-time joins) its timestamp. */
export interface JoinSide<T, K> {
  /** Join key of an item. */
  readonly key: (item: T) => K;
  /** Event time of an item in ms (event-time joins). */
  readonly timestamp?: (item: T) => number;
}

/** Key and timestamp of an item, or `failed` after the error strategy ran. */
export function readSide<T, K>(
  ctx: NodeContext,
  out: Subscriber<unknown>,
  side: JoinSide<T, K>,
  name: string,
  value: T,
  position: number,
  needTime: boolean,
): { k: K; ts: number } | typeof failed {
  return guard(ctx, out, value, position, () => {
    const k = side.key(value);
    if (k === undefined) throw new MissingKeyError(`${name} join key`);
    let ts = NaN;
    if (needTime) {
      ts = side.timestamp!(value);
      if (typeof ts !== 'number' || Number.isNaN(ts)) throw new MissingKeyError(`${name} timestamp`);
    }
    return { k, ts };
  });
}

/** Validates a side's functions. */
export function checkSide(op: string, name: string, side: JoinSide<unknown, unknown> | undefined, needTime: boolean): void {
  requireFunction(op, `${name}.key`, side?.key);
  if (needTime) requireFunction(op, `${name}.timestamp`, side?.timestamp);
}
