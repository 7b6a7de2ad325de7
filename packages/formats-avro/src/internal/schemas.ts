/** Schema parsing shared by the Avro codecs. */
import avro from 'avsc';
import { InvalidArgumentError } from '@streamweave/core';

/** avsc's resolver type (not exported by name from its typings). */
export type AvroResolver = ReturnType<avro.Type['createResolver']>;

/**
 * An Avro schema as users give it: its JSON form (an object, an array for a
 * union, or a primitive type name or JSON text as a string) or an avsc `Type`.
 */
export type AvroSchema = avro.Type | object | string;

/** Parses a caller-given schema, with an InvalidArgumentError naming the component when it is not one. */
export function toAvroType(component: string, name: string, schema: AvroSchema): avro.Type {
  if (avro.Type.isType(schema)) return schema as avro.Type;
  let json: unknown = schema;
  if (typeof schema === 'string') {
    const t = schema.trim();
    json = t.startsWith('{') || t.startsWith('[') || t.startsWith('"') ? safeParse(t) : schema;
  }
  try {
    return avro.Type.forSchema(json as Parameters<typeof avro.Type.forSchema>[0]);
  } catch (e) {
    throw new InvalidArgumentError(`${component}: \`${name}\` is not a valid Avro schema: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The schema's JSON text in Avro's Parsing Canonical Form (avsc's `schema()` output is canonical). */
export function canonicalSchema(type: avro.Type): string {
  return JSON.stringify(type.schema());
}

/** The schema's full JSON text (with defaults, docs, aliases), as written into file headers and registries. */
export function fullSchema(type: avro.Type): string {
  return JSON.stringify(type.schema({ exportAttrs: true }));
}
