/** Row <-> RecordBatch conversions shared by the Arrow codecs and batch operators. */
import {
  DataType,
  type Dictionary,
  Field,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  tableFromJSON,
  type TypeMap,
  vectorFromArray,
} from 'apache-arrow';

/** Yields each row of a batch as a plain object (column name → value). */
export function* batchRows(batch: RecordBatch): Generator<Record<string, unknown>> {
  const fields = batch.schema.fields;
  const names = fields.map((f) => f.name);
  const columns = fields.map((_, i) => batch.getChildAt(i)!);
  const n = batch.numRows;
  for (let r = 0; r < n; r++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = columns[c]!.get(r);
    yield row;
  }
}

/**
 * Infers a schema from sample rows with apache-arrow's rules, but with plain
 * (non-dictionary) strings, so that later batches can be built against it.
 */
export function inferSchema(rows: readonly Record<string, unknown>[]): Schema {
  const inferred = tableFromJSON(rows as Record<string, unknown>[]).schema;
  return new Schema(inferred.fields.map((f) => new Field(f.name, DataType.isDictionary(f.type) ? (f.type as Dictionary).dictionary : f.type, true)));
}

/** Why `value` cannot go into a column of `type`, or undefined when it fits. */
export function misfit(value: unknown, type: DataType): string | undefined {
  if (value === null || value === undefined) return undefined;
  const t = typeof value;
  let ok = true;
  if (DataType.isInt(type)) ok = t === 'number' ? Number.isInteger(value) : t === 'bigint';
  else if (DataType.isFloat(type) || DataType.isDecimal(type)) ok = t === 'number' || t === 'bigint';
  else if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) ok = t === 'string';
  else if (DataType.isBool(type)) ok = t === 'boolean';
  else if (DataType.isDate(type) || DataType.isTimestamp(type)) ok = value instanceof Date || t === 'number';
  else if (DataType.isBinary(type) || DataType.isLargeBinary(type)) ok = value instanceof Uint8Array;
  return ok ? undefined : `${JSON.stringify(typeof value === 'bigint' ? String(value) : value) ?? t} does not fit ${String(type)}`;
}

/** Builds one RecordBatch from rows that fit `schema`. */
export function rowsToBatch<T extends TypeMap = TypeMap>(schema: Schema<T>, rows: readonly Record<string, unknown>[]): RecordBatch<T> {
  const children = schema.fields.map((f) => vectorFromArray(rows.map((r) => r[f.name] ?? null), f.type).data[0]!);
  const data = makeData({ type: new Struct<T>(schema.fields), length: rows.length, nullCount: 0, children });
  return new RecordBatch<T>(schema, data);
}
