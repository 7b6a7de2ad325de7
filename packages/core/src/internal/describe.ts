/** Turns operator configuration into plain data for node descriptors. */
import type { JsonValue, NodeDescriptor, NodeKind, NodeOptions } from '../contracts.js';

/** Converts any value to JSON-compatible plain data; functions become "<function>". */
export function toPlainData(value: unknown, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'function':
      return '<function>';
    case 'symbol':
      return value.toString();
    default:
      break;
  }
  if (depth > 4) return '<nested>';
  if (Array.isArray(value)) {
    return value.length > 32 ? `<array of ${value.length}>` : value.map((v) => toPlainData(v, depth + 1));
  }
  const obj = value as Record<string, unknown>;
  const proto = Object.getPrototypeOf(obj) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const ctor = (obj as { constructor?: { name?: string } }).constructor?.name;
    return `<${ctor ?? 'object'}>`;
  }
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v !== undefined) out[k] = toPlainData(v, depth + 1);
  }
  return out;
}

/** Builds a descriptor for a single-input, single-output node. */
export function describeNode(
  kind: NodeKind,
  type: string,
  params: Record<string, unknown>,
  options: NodeOptions | undefined,
): NodeDescriptor {
  // Built without spreads: operators are made per request in some servers, so this is a hot path.
  const plain: Record<string, JsonValue> = {};
  for (const k in params) {
    if (!Object.prototype.hasOwnProperty.call(params, k)) continue;
    const v = params[k];
    if (v !== undefined) plain[k] = toPlainData(v);
  }
  const name = options?.name;
  const d: Mutable<NodeDescriptor> = name === undefined ? { kind, type, params: plain } : { kind, type, name, params: plain };
  if (kind !== 'producer') d.inputs = inPort;
  if (kind !== 'consumer') d.outputs = outPort;
  return d;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const inPort: readonly string[] = Object.freeze(['in']);
const outPort: readonly string[] = Object.freeze(['out']);
