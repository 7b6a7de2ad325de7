/** Builds Avro object container files: header, then blocks each followed by the sync marker. */
import type avro from 'avsc';
import { concatBytes, writeLong } from './bytes.js';
import { type AvroCodec, compressBlock } from './codecs.js';
import { magic, syncSize } from './containerParser.js';
import { fullSchema } from './schemas.js';

const encoder = new TextEncoder();

/** A new random sync marker (crypto.getRandomValues is global in Node 20 and browsers). */
export function randomSyncMarker(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(syncSize));
}

/** The header of a container file. */
export function encodeHeader(type: avro.Type, codec: AvroCodec, sync: Uint8Array, metadata: Readonly<Record<string, string | Uint8Array>> = {}): Uint8Array {
  const entries: Array<[string, Uint8Array]> = [
    ['avro.schema', encoder.encode(fullSchema(type))],
    ['avro.codec', encoder.encode(codec)],
  ];
  for (const [k, v] of Object.entries(metadata)) {
    if (k === 'avro.schema' || k === 'avro.codec') continue;
    entries.push([k, typeof v === 'string' ? encoder.encode(v) : v]);
  }
  const parts: Uint8Array[] = [magic, writeLong(entries.length)];
  for (const [k, v] of entries) {
    const key = encoder.encode(k);
    parts.push(writeLong(key.length), key, writeLong(v.length), v);
  }
  parts.push(writeLong(0), sync);
  return concatBytes(parts);
}

/** Accumulates serialized records into blocks. */
export class BlockBuilder {
  private parts: Uint8Array[] = [];
  private bytes = 0;
  private records = 0;

  constructor(
    private readonly type: avro.Type,
    private readonly codec: AvroCodec,
    private readonly sync: Uint8Array,
  ) {}

  /** Serializes one record; throws (avsc's error) when it does not match the schema. */
  add(record: unknown): void {
    const b = this.type.toBuffer(record);
    this.parts.push(b);
    this.bytes += b.length;
    this.records++;
  }

  /** Serialized bytes waiting in the open block. */
  get size(): number {
    return this.bytes;
  }

  /** Records waiting in the open block. */
  get count(): number {
    return this.records;
  }

  /** Closes the open block and returns its bytes (empty when it held no record). */
  flush(): Uint8Array {
    if (this.records === 0) return new Uint8Array(0);
    const data = compressBlock(this.codec, concatBytes(this.parts, this.bytes));
    const out = concatBytes([writeLong(this.records), writeLong(data.length), data, this.sync]);
    this.parts = [];
    this.bytes = 0;
    this.records = 0;
    return out;
  }
}

