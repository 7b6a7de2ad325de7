import { StreamWeaveError, type StreamWeaveErrorOptions } from '@streamweave/core';
import { canonicalSchema, toAvroType } from './internal/schemas.js';

/**
 * A schema registry as the Confluent wire format needs it: schemas by global
 * id for readers, registration (or lookup) under a subject for writers.
 * Implement it to plug in any registry; {@link HttpSchemaRegistry} speaks the
 * Confluent REST API (Confluent, Redpanda, Apicurio's ccompat, Karapace) and
 * {@link InMemorySchemaRegistry} serves tests and single-process setups.
 *
 * @example
 * ```ts
 * const registry: SchemaRegistry = new HttpSchemaRegistry({ url: 'http://localhost:8081' });
 * const id = await registry.register('users-value', JSON.stringify(userSchema));
 * ```
 * @see {@link confluentAvroDecode}, {@link confluentAvroEncode}
 */
export interface SchemaRegistry {
  /** The schema (JSON text) with global id `id`; rejects with a {@link SchemaRegistryError} (status 404) when there is none. */
  getSchemaById(id: number): Promise<string>;
  /** Registers `schema` (JSON text) under `subject`, or finds it when already there; resolves to its global id. */
  register(subject: string, schema: string): Promise<number>;
}

/** Options of {@link SchemaRegistryError}. */
export interface SchemaRegistryErrorOptions extends StreamWeaveErrorOptions {
  /** HTTP status, when the registry answered. */
  readonly status?: number;
  /** The registry's own error code (Confluent: 40403 schema not found…). */
  readonly errorCode?: number;
}

/**
 * A schema registry call failed: the schema or subject is unknown (status 404),
 * the registry refused the schema (409 incompatible, 422 invalid) or could not
 * be reached. Unknown ids in data are reported as {@link AvroError} with this as
 * the cause; unreachable registries surface as this error, which a retry
 * strategy can retry.
 *
 * @example
 * ```ts
 * registry.getSchemaById(9).catch((e) => { if (e instanceof SchemaRegistryError && e.status === 404) {} });
 * ```
 * @see {@link SchemaRegistry}
 */
export class SchemaRegistryError extends StreamWeaveError {
  /** Error name, always `'SchemaRegistryError'`. */
  override readonly name: string = 'SchemaRegistryError';
  /** HTTP status, when the registry answered. */
  readonly status: number | undefined;
  /** The registry's error code, when it gave one. */
  readonly errorCode: number | undefined;
  constructor(message: string, options: SchemaRegistryErrorOptions = {}) {
    super(message, options);
    this.status = options.status;
    this.errorCode = options.errorCode;
  }
}

/**
 * A {@link SchemaRegistry} held in memory: ids are global and given in
 * registration order from 1; registering a schema with the same canonical form
 * again returns its id, as Confluent's registry does.
 *
 * @example
 * ```ts
 * const registry = new InMemorySchemaRegistry();
 * const id = await registry.register('users-value', JSON.stringify(userSchema)); // 1
 * ```
 * @see {@link HttpSchemaRegistry}
 */
export class InMemorySchemaRegistry implements SchemaRegistry {
  private readonly byId = new Map<number, string>();
  private readonly idByCanonical = new Map<string, number>();
  private readonly subjects = new Map<string, number[]>();

  /** The schema (JSON text) with global id `id`; rejects with a {@link SchemaRegistryError} (status 404) when there is none. */
  async getSchemaById(id: number): Promise<string> {
    const schema = this.byId.get(id);
    if (schema === undefined) throw new SchemaRegistryError(`schema ${id} not found`, { status: 404, errorCode: 40403 });
    return schema;
  }

  /** Registers `schema` under `subject` (one id per canonical form); resolves to its global id, rejects with status 422 when invalid. */
  async register(subject: string, schema: string): Promise<number> {
    let canonical: string;
    try {
      canonical = canonicalSchema(toAvroType('InMemorySchemaRegistry', 'schema', schema));
    } catch (e) {
      throw new SchemaRegistryError('invalid schema', { status: 422, errorCode: 42201, cause: e });
    }
    let id = this.idByCanonical.get(canonical);
    if (id === undefined) {
      id = this.byId.size + 1;
      this.byId.set(id, schema);
      this.idByCanonical.set(canonical, id);
    }
    const versions = this.subjects.get(subject) ?? [];
    if (!versions.includes(id)) versions.push(id);
    this.subjects.set(subject, versions);
    return id;
  }

  /** Schema ids registered under `subject`, oldest first. */
  versions(subject: string): readonly number[] {
    return this.subjects.get(subject) ?? [];
  }
}
