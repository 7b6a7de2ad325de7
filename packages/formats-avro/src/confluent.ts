import {
  describeNode,
  InvalidArgumentError,
  mapAsync,
  type NodeContext,
  type NodeOptions,
  type Transformer,
} from '@streamweave/core';
import { AvroError, type AvroErrorOptions } from './avroError.js';
import { concatBytes, describeValue } from './internal/bytes.js';
import { decodeBody, type ReadPlan, readPlan } from './internal/messageCodec.js';
import { type AvroSchema, canonicalSchema, fullSchema, toAvroType } from './internal/schemas.js';
import { type SchemaRegistry, SchemaRegistryError } from './schemaRegistry.js';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary. */
const headerSize = 5;

/** Options of {@link confluentAvroDecode}. */
export interface ConfluentAvroDecodeOptions extends NodeOptions {
  /** Where writer schemas are looked up by the id in each message. */
  readonly registry: SchemaRegistry;
  /** Schema to read records as (schema evolution); default: each message's writer schema. */
  readonly readerSchema?: AvroSchema;
  /** Where messages come from (topic); named in errors. */
  readonly source?: string;
}

/** Options of {@link confluentAvroEncode}. */
export interface ConfluentAvroEncodeOptions extends NodeOptions {
  /** Where the schema is registered to get its id. */
  readonly registry: SchemaRegistry;
  /** Registry subject, such as `<topic>-value` (Confluent's TopicNameStrategy). */
  readonly subject: string;
  /** The writer schema. */
  readonly schema: AvroSchema;
  /** Where messages go (topic); named in errors. */
  readonly source?: string;
}

function requireRegistry(component: string, registry: unknown): void {
  const r = registry as Partial<SchemaRegistry> | undefined;
  if (!r || typeof r.getSchemaById !== 'function' || typeof r.register !== 'function') {
    throw new InvalidArgumentError(`${component}: \`registry\` must implement SchemaRegistry (getSchemaById, register)`);
  }
}

function where(source: string | undefined, ctx: NodeContext, position: number): AvroErrorOptions {
  return { ...(source === undefined ? {} : { source }), recordIndex: position, position, component: ctx.component };
}

/** A registry failure that is not about the data: keeps its status, gains the component, so a retry strategy can act on it. */
function registryFailure(e: unknown, message: string, ctx: NodeContext, position: number): SchemaRegistryError {
  const status = e instanceof SchemaRegistryError ? e.status : undefined;
  const errorCode = e instanceof SchemaRegistryError ? e.errorCode : undefined;
  return new SchemaRegistryError(message, {
    component: ctx.component,
    position,
    cause: e,
    ...(status === undefined ? {} : { status }),
    ...(errorCode === undefined ? {} : { errorCode }),
  });
}

/**
 * Decodes Kafka-style payloads in the Confluent wire format (byte 0, the
 * writer schema's 4-byte registry id, the Avro record), one record per input
 * `Uint8Array`. Writer schemas are fetched from the {@link SchemaRegistry} once
 * per id; messages are decoded in order, one registry call in flight at a time,
 * each message holding backpressure credit while its schema is fetched.
 *
 * A malformed message or an id the registry does not know raises an
 * {@link AvroError}; an unreachable registry raises a
 * {@link SchemaRegistryError}. Both go through the error strategy (retry makes
 * sense for the latter: its backoff applies).
 *
 * @example
 * ```ts
 * pipeline().from(kafkaValues).pipe(confluentAvroDecode({ registry: new HttpSchemaRegistry({ url }), readerSchema: userV2 })).to(collect());
 * ```
 * @see {@link confluentAvroEncode}, {@link HttpSchemaRegistry}, {@link avroSingleObjectDecode}
 */
export function confluentAvroDecode<T = unknown>(options: ConfluentAvroDecodeOptions): Transformer<Uint8Array, T> {
  requireRegistry('confluentAvroDecode', options?.registry);
  const reader = options.readerSchema === undefined ? undefined : toAvroType('confluentAvroDecode', 'readerSchema', options.readerSchema);
  const descriptor = describeNode('transformer', 'confluentAvroDecode', { readerSchema: reader ? canonicalSchema(reader) : null, source: options.source ?? null }, options);
  return {
    descriptor,
    ...(options.errors ? { errors: options.errors } : {}),
    countsItself: true,
    apply(input, ctx) {
      const plans = new Map<number, ReadPlan>();
      const planFor = async (id: number, w: AvroErrorOptions, position: number): Promise<ReadPlan> => {
        let schemaText: string;
        try {
          schemaText = await options.registry.getSchemaById(id);
        } catch (e) {
          if (e instanceof SchemaRegistryError && e.status === 404) throw new AvroError(`unknown schema id ${id}`, { ...w, byteOffset: 1, cause: e });
          throw registryFailure(e, `fetching schema ${id} from the registry failed`, ctx, position);
        }
        let writer;
        try {
          writer = toAvroType('confluentAvroDecode', `schema ${id}`, schemaText);
        } catch (e) {
          throw new AvroError(`registry schema ${id} is not a valid Avro schema`, { ...w, byteOffset: 1, cause: e });
        }
        const plan = readPlan(writer, reader, { ...w, byteOffset: 1 }); // the writer schema's id
        plans.set(id, plan);
        return plan;
      };
      const decode = async (bytes: Uint8Array, position: number): Promise<T> => {
        const w = where(options.source, ctx, position);
        if (!(bytes instanceof Uint8Array)) throw new AvroError(`expected a Uint8Array message, got ${describeValue(bytes)}`, { ...w, byteOffset: 0 });
        if (bytes.length < headerSize) throw new AvroError(`message of ${bytes.length} bytes is shorter than the 5-byte Confluent header`, { ...w, byteOffset: 0 });
        if (bytes[0] !== 0) throw new AvroError(`unknown magic byte ${bytes[0]} (Confluent wire format starts with 0)`, { ...w, byteOffset: 0 });
        const id = new DataView(bytes.buffer, bytes.byteOffset + 1, 4).getInt32(0);
        const plan = plans.get(id) ?? (await planFor(id, w, position));
        return decodeBody(plan, bytes, headerSize, w) as T;
      };
      return mapAsync<Uint8Array, T>(decode, { concurrency: 1 }).apply(input, ctx);
    },
  };
}

/**
 * Encodes records in the Confluent wire format: byte 0, the schema's registry
 * id (registered under `subject` on first use), then the Avro record. A record
 * that does not match the schema raises an {@link AvroError}; a registry that
 * refuses the schema or cannot be reached raises a {@link SchemaRegistryError};
 * both go through the error strategy.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray(users)).pipe(confluentAvroEncode({ registry, subject: 'users-value', schema: userV1 })).to(kafkaSink);
 * ```
 * @see {@link confluentAvroDecode}, {@link SchemaRegistry}
 */
export function confluentAvroEncode<T = unknown>(options: ConfluentAvroEncodeOptions): Transformer<T, Uint8Array> {
  requireRegistry('confluentAvroEncode', options?.registry);
  if (typeof options.subject !== 'string' || options.subject.length === 0) {
    throw new InvalidArgumentError('confluentAvroEncode: `subject` must be a non-empty string');
  }
  const type = toAvroType('confluentAvroEncode', 'schema', options.schema);
  const schemaText = fullSchema(type);
  const descriptor = describeNode('transformer', 'confluentAvroEncode', { subject: options.subject, schema: canonicalSchema(type), source: options.source ?? null }, options);
  return {
    descriptor,
    ...(options.errors ? { errors: options.errors } : {}),
    countsItself: true,
    apply(input, ctx) {
      let header: Uint8Array | undefined;
      const encode = async (record: T, position: number): Promise<Uint8Array> => {
        if (!header) {
          let id: number;
          try {
            id = await options.registry.register(options.subject, schemaText);
          } catch (e) {
            throw registryFailure(e, `registering the schema under subject "${options.subject}" failed`, ctx, position);
          }
          header = new Uint8Array(headerSize);
          new DataView(header.buffer).setInt32(1, id);
        }
        let body: Uint8Array;
        try {
          body = type.toBuffer(record);
        } catch (e) {
          throw new AvroError('record does not match the writer schema', { ...where(options.source, ctx, position), cause: e });
        }
        return concatBytes([header, body]);
      };
      return mapAsync<T, Uint8Array>(encode, { concurrency: 1 }).apply(input, ctx);
    },
  };
}
