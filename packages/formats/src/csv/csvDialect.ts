/** Delimiter, quote and escape characters shared by the CSV reader and writer. */
import { InvalidArgumentError } from '@streamweave/core';

/** A CSV dialect. Defaults are RFC 4180: `,` `"` and a doubled quote as escape. */
export interface CsvDialect {
  /** Field separator, one character (default `,`; use `\t` for TSV, `;` for European Excel). */
  readonly delimiter?: string;
  /** Quote character (default `"`). */
  readonly quote?: string;
  /** Escape character inside quoted fields (default: the quote itself, i.e. `""`); `\\` for backslash-escaped dialects. */
  readonly escape?: string;
}

/** A dialect with every character filled in and checked. */
export interface ResolvedDialect {
  readonly delimiter: string;
  readonly quote: string;
  readonly escape: string;
}

/** Fills defaults and rejects characters that would make the dialect ambiguous. */
export function resolveDialect(component: string, d: CsvDialect): ResolvedDialect {
  const r = { delimiter: d.delimiter ?? ',', quote: d.quote ?? '"', escape: d.escape ?? d.quote ?? '"' };
  for (const [name, value] of Object.entries(r)) {
    if (typeof value !== 'string' || value.length !== 1 || value === '\n' || value === '\r') {
      throw new InvalidArgumentError(`${component}: \`${name}\` must be one character other than CR or LF, got ${JSON.stringify(value)}`);
    }
  }
  if (r.delimiter === r.quote || r.delimiter === r.escape) {
    throw new InvalidArgumentError(`${component}: \`delimiter\` must differ from \`quote\` and \`escape\``);
  }
  return r;
}
