/** Exactly-once accounting: what of the expected records the output lost or repeated. */

/** What {@link deliveryTally} counted. */
export interface DeliveryTally {
  /** Distinct expected records. */
  readonly checked: number;
  /** Expected records that are not in the output. */
  readonly lost: number;
  /** Output records beyond the first of each expected one, plus every unexpected one. */
  readonly duplicated: number;
}

/**
 * Compares the records a run delivered with the records it should have delivered exactly
 * once. Records are compared as strings (ids, or whole output lines); order does not count,
 * check it separately where it matters.
 *
 * @param expected - the records each expected once (repeats count once)
 * @param delivered - the records found in the output
 * @returns `{ checked, lost, duplicated }`: exactly-once holds when lost and duplicated are both 0
 * @example
 * ```ts
 * deliveryTally(['r0', 'r1', 'r2'], ['r0', 'r2', 'r2', 'x']); // { checked: 3, lost: 1, duplicated: 2 }
 * ```
 * @see {@link seededRandom}
 */
export function deliveryTally(expected: Iterable<string>, delivered: Iterable<string>): DeliveryTally {
  const want = new Set(expected);
  const seen = new Map<string, number>();
  for (const r of delivered) seen.set(r, (seen.get(r) ?? 0) + 1);
  let lost = 0;
  let duplicated = 0;
  for (const r of want) if (!seen.has(r)) lost++;
  for (const [r, n] of seen) duplicated += want.has(r) ? n - 1 : n;
  return { checked: want.size, lost, duplicated };
}
