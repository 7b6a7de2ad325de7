import type avro from 'avsc';
import { InvalidArgumentError, type NodeContext, type NodeOptions, type Transformer } from '@streamweave/core';
import { defineCodec } from '@streamweave/formats';
import { AvroError, type AvroErrorOptions } from './avroError.js';
import { avroFingerprint64 } from './fingerprint.js';
import { describeValue, concatBytes } from './internal/bytes.js';
import { decodeBody, type ReadPlan, readPlan } from './internal/messageCodec.js';
import { type AvroSchema, canonicalSchema, toAvroType } from './internal/schemas.js';

/** Avro single-object encoding marker: 0xC3 0x01. */
const marker0 = 0xc3;
const marker1 = 0x01;
const headerSize = 10;

/** Options of {@link avroSingleObjectDecode}. */
export interface AvroSingleObjectDecodeOptions extends NodeOptions {
  /** Every writer schema messages may have been written with; the fingerprint in each message picks one. */
  readonly schemas: readonly AvroSchema[];
  /** Schema to read records as (schema evolution); default: each message's writer schema. */
  readonly readerSchema?: AvroSchema;
  /** Where messages come from (topic, queue); named in errors. */
  readonly source?: string;
}

/** Options of {@link avroSingleObjectEncode}. */
export interface AvroSingleObjectEncodeOptions extends NodeOptions {
  /** The writer schema; its fingerprint is written in every message. */
  readonly schema: AvroSchema;
  /** Where messages go; named in errors. */
  readonly source?: string;
}

function where(source: string | undefined, ctx: NodeContext, position: number): AvroErrorOptions {
  return { ...(source === undefined ? {} : { source }), recordIndex: position, position, component: ctx.component };
}

/**
 * Decodes messages in Avro's single-object encoding (`C3 01`, the writer
 * schema's 8-byte little-endian CRC-64-AVRO fingerprint, then the record), one
 * record per input `Uint8Array`: the form for message payloads whose schema is
 * known to both sides without a registry.
 *
 * A message with a bad marker, an unknown fingerprint, an undecodable body or
 * trailing bytes raises an {@link AvroError} (record index = message index),
 * routed by the error strategy.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray(payloads)).pipe(avroSingleObjectDecode({ schemas: [userV1, userV2], readerSchema: userV2 })).to(collect());
 * ```
 * @see {@link avroSingleObjectEncode}, {@link avroFingerprint64}, {@link confluentAvroDecode}
 */
export function avroSingleObjectDecode<T = unknown>(options: AvroSingleObjectDecodeOptions): Transformer<Uint8Array, T> {
  if (!options || !Array.isArray(options.schemas) || options.schemas.length === 0) {
    throw new InvalidArgumentError('avroSingleObjectDecode: `schemas` must list at least one writer schema');
  }
  const reader = options.readerSchema === undefined ? undefined : toAvroType('avroSingleObjectDecode', 'readerSchema', options.readerSchema);
  const writers = new Map<bigint, avro.Type>();
  options.schemas.forEach((s, i) => {
    const t = toAvroType('avroSingleObjectDecode', `schemas[${i}]`, s);
    writers.set(avroFingerprint64(t), t);
  });
  return defineCodec<Uint8Array, T>(
    'avroSingleObjectDecode',
    { schemas: [...writers.values()].map(canonicalSchema), readerSchema: reader ? canonicalSchema(reader) : null },
    options,
    'avro',
    AvroError,
    (sink, ctx) => {
      const plans = new Map<bigint, ReadPlan>();
      const decode = (bytes: Uint8Array, position: number): unknown => {
        const w = where(options.source, ctx, position);
        if (!(bytes instanceof Uint8Array)) throw new AvroError(`expected a Uint8Array message, got ${describeValue(bytes)}`, { ...w, byteOffset: 0 });
        if (bytes.length < headerSize) throw new AvroError(`message of ${bytes.length} bytes is shorter than the 10-byte single-object header`, { ...w, byteOffset: 0 });
        if (bytes[0] !== marker0 || bytes[1] !== marker1) throw new AvroError('not a single-object encoded message (expected marker C3 01)', { ...w, byteOffset: 0 });
        const fp = new DataView(bytes.buffer, bytes.byteOffset + 2, 8).getBigUint64(0, true);
        let plan = plans.get(fp);
        if (!plan) {
          const writer = writers.get(fp);
          if (!writer) throw new AvroError(`unknown schema fingerprint 0x${fp.toString(16).padStart(16, '0')}`, { ...w, byteOffset: 2 });
          plan = readPlan(writer, reader, { ...w, byteOffset: 2 }); // the writer schema's fingerprint
          plans.set(fp, plan);
        }
        return decodeBody(plan, bytes, headerSize, w);
      };
      return {
        push(bytes, position) {
          let value: unknown;
          try {
            value = decode(bytes, position);
          } catch (e) {
            if (e instanceof AvroError) sink.report(e, bytes);
            else sink.fail({ message: 'message could not be decoded', recordIndex: position, cause: e }, bytes);
            return;
          }
          sink.emit(value as T);
        },
        end() {},
      };
    },
  );
}

/**
 * Encodes each record in Avro's single-object encoding: `C3 01`, the schema's
 * fingerprint (little-endian), then the binary record. A record that does not
 * match the schema raises an {@link AvroError}, routed by the error strategy.
 *
 * @example
 * ```ts
 * pipeline().from(fromArray(users)).pipe(avroSingleObjectEncode({ schema: userV1 })).to(kafkaSink);
 * ```
 * @see {@link avroSingleObjectDecode}
 */
export function avroSingleObjectEncode<T = unknown>(options: AvroSingleObjectEncodeOptions): Transformer<T, Uint8Array> {
  if (!options || options.schema === undefined) throw new InvalidArgumentError('avroSingleObjectEncode: `schema` is required');
  const type = toAvroType('avroSingleObjectEncode', 'schema', options.schema);
  const header = new Uint8Array(headerSize);
  header[0] = marker0;
  header[1] = marker1;
  new DataView(header.buffer).setBigUint64(2, avroFingerprint64(type), true);
  return defineCodec<T, Uint8Array>('avroSingleObjectEncode', { schema: canonicalSchema(type) }, options, 'avro', AvroError, (sink) => ({
    push(record, position) {
      let body: Uint8Array;
      try {
        body = type.toBuffer(record);
      } catch (e) {
        sink.fail({ message: 'record does not match the writer schema', recordIndex: position, cause: e }, record);
        return;
      }
      sink.emit(concatBytes([header, body]));
    },
    end() {},
  }));
}
