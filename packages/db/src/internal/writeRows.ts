import { InvalidArgumentError } from '@streamweave/core';
import type { Knex } from 'knex';

/** Upsert settings of the sinks: on a conflict on `conflict`, update `merge` (default: every inserted column). */
export interface UpsertOptions {
  /** The unique / primary key columns a conflict is detected on. */
  readonly conflict: readonly string[];
  /** Columns to update on a conflict (default: all inserted columns). */
  readonly merge?: readonly string[];
}

/** Inserts (or upserts) `rows` in chunks of `chunk` inside the transaction `trx`. */
export async function writeRows(trx: Knex.Transaction, table: string, rows: ReadonlyArray<Record<string, unknown>>, upsert: UpsertOptions | undefined, chunk: number): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const q = trx(table).insert(part);
    if (upsert) {
      const c = q.onConflict([...upsert.conflict]);
      await (upsert.merge ? c.merge([...upsert.merge]) : c.merge());
    } else await q;
  }
}

/** Checks the upsert option of a sink. */
export function checkUpsert(component: string, upsert: UpsertOptions | undefined): void {
  if (upsert === undefined) return;
  if (!Array.isArray(upsert.conflict) || upsert.conflict.length === 0 || upsert.conflict.some((c) => typeof c !== 'string')) {
    throw new InvalidArgumentError(`${component}: \`upsert.conflict\` must be a non-empty array of column names`);
  }
}
