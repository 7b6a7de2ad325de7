/**
 * The Standard Schema interface (https://standardschema.dev), implemented by zod 4,
 * valibot and arktype. Declared here so validation needs no runtime dependency.
 */

/** A validator that follows the Standard Schema v1 contract (zod 4 schemas do). */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties: spec version, vendor name, `validate` function and optional type hints. */
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** Result of {@link StandardSchemaV1} validation. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }> };

/** Output type of a schema. */
export type InferOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : unknown;

/** Validates synchronously; returns the parsed value or a message listing the issues. */
export function validateSync<T>(schema: StandardSchemaV1<unknown, T>, value: unknown): { ok: true; value: T } | { ok: false; message: string; issues: unknown } {
  const r = schema['~standard'].validate(value);
  if (r instanceof Promise) {
    return { ok: false, message: 'schema validation must be synchronous (the schema returned a Promise)', issues: undefined };
  }
  if (r.issues) {
    const message = r.issues
      .map((i) => {
        const path = (i.path ?? []).map((p) => String(typeof p === 'object' && p !== null ? p.key : p)).join('.');
        return path ? `${path}: ${i.message}` : i.message;
      })
      .join('; ');
    return { ok: false, message: `schema validation failed: ${message}`, issues: r.issues };
  }
  return { ok: true, value: r.value };
}

/** Checks a caller-given schema. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { '~standard'?: { validate?: unknown } })['~standard']?.validate === 'function'
  );
}
