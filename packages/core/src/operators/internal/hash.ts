/**
 * Stable 32-bit hashing of keys, so a key maps to the same partition across runs,
 * processes and machines: FNV-1a over the key's canonical string (strings as is,
 * numbers/booleans/bigints with a type tag, other values as JSON).
 */

/** FNV-1a 32-bit hash of a string (UTF-16 code units). */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Canonical text of a key. */
export function keyText(key: unknown): string {
  switch (typeof key) {
    case 'string':
      return key;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof key}:${String(key)}`;
    default:
      return `json:${JSON.stringify(key) ?? String(key)}`;
  }
}

/** Stable hash of any key. */
export function stableHash(key: unknown): number {
  return fnv1a(keyText(key));
}
