/** Typed CSV columns: turns field text into numbers, booleans, dates, JSON or custom values. */

/** A built-in column type, or a function from the field text to a value (throw to reject). */
export type CsvColumnType = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'json' | ((raw: string, column: string) => unknown);

/**
 * Converts one field. Empty fields become `null` for every type but `string`.
 * Throws an Error whose message says why the text does not fit.
 */
export function convertField(raw: string, type: CsvColumnType, column: string): unknown {
  if (typeof type === 'function') return type(raw, column);
  if (type === 'string') return raw;
  if (raw === '') return null;
  switch (type) {
    case 'number': {
      const n = Number(raw);
      if (Number.isNaN(n) && raw.trim() !== 'NaN') throw new Error(`${JSON.stringify(raw)} is not a number`);
      return n;
    }
    case 'integer': {
      if (!/^\s*[-+]?\d+\s*$/.test(raw)) throw new Error(`${JSON.stringify(raw)} is not an integer`);
      return Number.parseInt(raw, 10);
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      throw new Error(`${JSON.stringify(raw)} is not a boolean`);
    }
    case 'date': {
      const d = new Date(raw);
      if (Number.isNaN(d.getTime())) throw new Error(`${JSON.stringify(raw)} is not a date`);
      return d;
    }
    case 'json':
      return JSON.parse(raw);
    default:
      throw new Error(`unknown column type ${JSON.stringify(type)}`);
  }
}
