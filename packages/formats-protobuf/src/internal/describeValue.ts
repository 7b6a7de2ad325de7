/** Describes values of the wrong type in error messages. */

/** A short description of a value of the wrong type, for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `an object (${(value as object).constructor?.name ?? 'Object'})` : typeof value;
}
