/** Default mapping of sink items to Kafka records. */
import type { KafkaOutgoing } from '../kafkaClient.js';

/** What a sink's `toRecord` returns: a record whose topic defaults to the sink's. */
export type KafkaOutgoingRecord = Omit<KafkaOutgoing, 'topic'> & { readonly topic?: string };

/**
 * Strings and Buffers are the value; `{ value, key?, headers? }` objects (a consumed
 * record included) give their value, key and headers (never their topic or partition,
 * so a record read from a topic is not written back to it); anything else is JSON.
 */
export function defaultToRecord(item: unknown): KafkaOutgoingRecord {
  if (typeof item === 'string' || Buffer.isBuffer(item)) return { value: item };
  if (item !== null && typeof item === 'object' && 'value' in item) {
    const r = item as { value: unknown; key?: unknown; headers?: unknown; partition?: unknown };
    if (r.value === null || typeof r.value === 'string' || Buffer.isBuffer(r.value)) {
      const headers: Record<string, string | Buffer> = {};
      if (r.headers && typeof r.headers === 'object') {
        for (const [k, v] of Object.entries(r.headers)) if (typeof v === 'string' || Buffer.isBuffer(v)) headers[k] = v;
      }
      return {
        value: r.value,
        ...(typeof r.key === 'string' || Buffer.isBuffer(r.key) ? { key: r.key } : {}),
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
      };
    }
  }
  return { value: JSON.stringify(item) };
}
