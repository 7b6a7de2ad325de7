/** Shared pieces of the sort operators: key decoration, the default order, a binary heap. */
import type { Subscriber } from 'rxjs';
import type { NodeContext } from '../../contracts.js';
import { InvalidArgumentError, requireFunction } from '../../errors.js';
import { failed, guard, requireKeyOf } from './guard.js';

/** How sort operators order items: by a key (natural order of numbers/strings/bigints) and/or a comparator. */
export interface SortOrder<T, K = unknown> {
  /** Sort key of an item; an item whose key is `undefined` fails with a clear error naming the operator and position. */
  readonly key?: (item: T) => K;
  /** Compares two keys (or two items, without `key`). Default: ascending natural order. */
  readonly compare?: (a: K, b: K) => number;
  /** Largest first. */
  readonly descending?: boolean;
}

/** Natural ascending order of numbers, strings and bigints. */
export function naturalOrder(a: unknown, b: unknown): number {
  return a === b ? 0 : (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** An item with its sort key computed once. */
export interface Keyed<T> {
  readonly k: unknown;
  readonly v: T;
}

/** Resolved order: key extractor (checked) and comparator over keys. */
export interface ResolvedOrder<T> {
  readonly keyOf: (item: T) => unknown;
  readonly cmp: (a: unknown, b: unknown) => number;
  readonly hasKey: boolean;
}

/** Validates and resolves a {@link SortOrder}. */
export function resolveOrder<T>(op: string, order: SortOrder<T, unknown> = {}): ResolvedOrder<T> {
  if (order.key !== undefined) requireFunction(op, 'key', order.key);
  if (order.compare !== undefined) requireFunction(op, 'compare', order.compare);
  const base = order.compare ?? naturalOrder;
  const cmp = order.descending ? (a: unknown, b: unknown) => base(b, a) : base;
  const keyOf = order.key ? requireKeyOf(order.key, 'sort key') : (x: T) => x as unknown;
  return { keyOf, cmp, hasKey: order.key !== undefined };
}

/** Computes an item's key through the error strategy. */
export function keyItem<T>(ctx: NodeContext, out: Subscriber<unknown>, order: ResolvedOrder<T>, value: T, position: number): Keyed<T> | typeof failed {
  if (!order.hasKey) return { k: value, v: value };
  const k = guard(ctx, out, value, position, () => order.keyOf(value));
  return k === failed ? failed : { k, v: value };
}

/**
 * Sorts in place (stable). A throwing comparator goes through the strategy:
 * `stop` fails the stream (returns false); otherwise the items keep arrival order.
 */
export function sortKeyed<T>(ctx: NodeContext, out: Subscriber<unknown>, order: ResolvedOrder<T>, items: Keyed<T>[]): boolean {
  try {
    items.sort((a, b) => order.cmp(a.k, b.k));
    return true;
  } catch (e) {
    const d = ctx.fail(e, undefined, Math.max(0, ctx.stats.in - 1), 1);
    if (d.action === 'stop') {
      out.error(d.error);
      return false;
    }
    return true;
  }
}

/** Checks a positive integer option. */
export function positiveInt(op: string, name: string, v: unknown): number {
  if (!(typeof v === 'number' && Number.isInteger(v) && v > 0)) {
    throw new InvalidArgumentError(`${op}: \`${name}\` must be a positive integer, got ${String(v)}`);
  }
  return v;
}

/** A binary min-heap by `less`. */
export class Heap<E> {
  private readonly a: E[] = [];
  constructor(private readonly less: (x: E, y: E) => boolean) {}
  get size(): number {
    return this.a.length;
  }
  peek(): E | undefined {
    return this.a[0];
  }
  push(e: E): void {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): E | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      this.down(0);
    }
    return top;
  }
  /** Replaces the top (cheaper than pop + push). */
  replaceTop(e: E): void {
    this.a[0] = e;
    this.down(0);
  }
  toArray(): E[] {
    return [...this.a];
  }
  private down(i: number): void {
    const a = this.a;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(a[l]!, a[m]!)) m = l;
      if (r < n && this.less(a[r]!, a[m]!)) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }
}
